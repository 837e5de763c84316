-- Read models of the chatLedger. Entities are stored as their projection JSON
-- (doc) plus the columns the queries filter and sort on. Times are Unix milliseconds.

CREATE TABLE checkpoints (
    name       TEXT PRIMARY KEY,
    last_id    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE conversations (
    id                 TEXT PRIMARY KEY,
    started_at         INTEGER NOT NULL,
    last_activity_at   INTEGER NOT NULL, -- last message, else start: what idle status counts from
    last_message_at    INTEGER,
    ended_at           INTEGER,
    decision           TEXT NOT NULL DEFAULT '', -- upper case
    customer_id        TEXT NOT NULL DEFAULT '',
    application_number TEXT NOT NULL DEFAULT '',
    message_count      INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL,
    doc                BLOB NOT NULL
);
CREATE INDEX conversations_newest ON conversations (started_at DESC, id DESC);
CREATE INDEX conversations_customer ON conversations (customer_id);
CREATE INDEX conversations_application ON conversations (application_number);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    stream_id       TEXT NOT NULL,
    seq             INTEGER,
    sender          TEXT NOT NULL,
    text            TEXT NOT NULL,
    at              INTEGER NOT NULL,
    doc             BLOB NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, at);

-- Contentless: the words of every message, pointing back at messages.id.
CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = '', tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        BLOB NOT NULL
);

-- Names, email and id of each customer, rowid = customers.rowid.
CREATE VIRTUAL TABLE customers_fts USING fts5 (id, name, email, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE applications (
    number      TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    stage       TEXT NOT NULL,
    loan_amount REAL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    doc         BLOB NOT NULL
);
CREATE INDEX applications_customer ON applications (customer_id);
CREATE INDEX applications_updated ON applications (updated_at DESC, number);

-- Customer portal projection: denormalised rows, one per application and conversation.
CREATE TABLE portal_applications (
    customer_id        TEXT NOT NULL,
    application_id     TEXT NOT NULL,
    last_update_at     INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    doc                BLOB NOT NULL,
    PRIMARY KEY (customer_id, application_id)
) WITHOUT ROWID;
CREATE INDEX portal_applications_recent ON portal_applications (customer_id, last_update_at DESC);

CREATE TABLE portal_conversations (
    customer_id     TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    last_message_at INTEGER,
    started_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    doc             BLOB NOT NULL,
    PRIMARY KEY (customer_id, conversation_id)
) WITHOUT ROWID;
CREATE INDEX portal_conversations_recent ON portal_conversations (customer_id, started_at DESC);

-- Append-only archive of every handled entry except dead letters (tax fields removed),
-- in stream order, so projections can be rebuilt after the producer trims the stream;
-- other agents' entries are kept too, so that an entry's presence here means handled.
CREATE TABLE events (
    pos             INTEGER PRIMARY KEY, -- the stream ID as ms << 20 | seq: appends stay at the end of the b-tree
    outcome         TEXT NOT NULL,
    agt             TEXT NOT NULL,
    typ             TEXT NOT NULL,
    cid             TEXT NOT NULL,
    aid             TEXT NOT NULL,
    uid             TEXT NOT NULL,
    event_seq       TEXT NOT NULL,
    tsp             TEXT NOT NULL,
    dat             TEXT NOT NULL,
    extra           TEXT -- any other fields, as a JSON object
);
CREATE INDEX events_conversation ON events (cid);

-- Entries that could not be interpreted, with the reason; the dead-letter stream
-- holds them too when a projector has one.
CREATE TABLE dead_letters (
    ms      INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    reason  TEXT NOT NULL,
    fields  BLOB NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (ms, seq)
) WITHOUT ROWID;
