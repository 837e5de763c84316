-- Accounts and sessions leave the read-model database for the operations store
-- (ops.db, package backend/store/ops), where no rebuild touches them. The move is
-- done in Go (accounts.go): copy into ops.db, which commits, then drop the tables
-- here in this migration's transaction.
SELECT 1;
