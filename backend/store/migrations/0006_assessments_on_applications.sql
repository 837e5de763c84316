-- Assessments and noticeboard posts belong to the application (contract §3), not to
-- the conversation. The move is Go code (moveHeldToApplications in held.go) so that it
-- merges as the reducer does; this file only numbers the step.
SELECT 1;
