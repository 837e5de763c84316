-- The indexes and the FTS vocabulary the supervisor queries (package supervisor) rely
-- on, in the databases that serve them (Options.SupervisorQueries): the backend
-- projector's does not, and would pay for maintaining them on every write. The walk
-- indexes cover what a search scan tests (customer, application number, decision, the
-- span of message ids), so walking them reads no table rows and makes no
-- other seek. The start and owner indexes answer a sparse search's lookups (a
-- conversation's start time, a customer's conversations, a message's conversation)
-- from small index entries instead of wide rows: a cold search reads a fraction of the
-- pages.
--
-- Desktop caches made before this migration created these at first launch, and may
-- still hold indexes from earlier versions of that list: they are dropped, and the
-- current ones are only created where missing, so an old cache ends up as a new one.
DROP INDEX IF EXISTS conversations_decision;
DROP INDEX IF EXISTS conversations_open_newest;
DROP INDEX IF EXISTS conversations_ended;
DROP INDEX IF EXISTS conversations_grid;
DROP INDEX IF EXISTS conversations_by_decision;
DROP INDEX IF EXISTS conversations_open_grid;
DROP INDEX IF EXISTS conversations_ended_grid;
CREATE INDEX IF NOT EXISTS conversations_walk
    ON conversations (started_at DESC, id DESC, customer_id, application_number, decision, first_message, last_message);
CREATE INDEX IF NOT EXISTS conversations_walk_decision
    ON conversations (decision, started_at DESC, id DESC, customer_id, application_number, first_message, last_message);
CREATE INDEX IF NOT EXISTS conversations_open ON conversations (last_activity_at)
    WHERE decision NOT IN ('APPROVED', 'DECLINED') AND ended_at IS NULL;
CREATE INDEX IF NOT EXISTS conversations_walk_open
    ON conversations (started_at DESC, id DESC, last_activity_at, customer_id, application_number, decision,
    first_message, last_message)
    WHERE decision NOT IN ('APPROVED', 'DECLINED') AND ended_at IS NULL;
CREATE INDEX IF NOT EXISTS conversations_walk_ended
    ON conversations (started_at DESC, id DESC, customer_id, application_number, decision, first_message, last_message)
    WHERE decision NOT IN ('APPROVED', 'DECLINED') AND ended_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS conversations_start ON conversations (id, started_at);
CREATE INDEX IF NOT EXISTS conversations_customer_start ON conversations (customer_id, started_at, id);
CREATE INDEX IF NOT EXISTS messages_owner ON messages (id, conversation_id);
CREATE INDEX IF NOT EXISTS applications_status ON applications (status, updated_at DESC, number);
CREATE INDEX IF NOT EXISTS customers_name ON customers (name, id);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts_vocab USING fts5vocab('messages_fts', 'instance');
