-- Dead letters become something admins manage (backend/deadletters). The columns are
-- added by Go (addDeadLetterColumns in deadletters.go), only where missing.
SELECT 1;
