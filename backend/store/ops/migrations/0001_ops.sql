-- The operations store: what the backend keeps beside the read models and no rebuild
-- or replay touches. Times are Unix milliseconds.

-- Supervisor accounts and their sessions (package backend/accounts). Session tokens
-- are stored as their SHA-256, never in clear. Same shape as the read-model
-- database's migration 0002, from where older versions' rows are moved.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE, -- lower case, trimmed
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor')),
    password_hash TEXT NOT NULL,        -- argon2id, PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Who did what: append-only, the triggers refuse any change or removal.
-- AUTOINCREMENT: an id is never given twice, so a cursor never skips or repeats.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_action ON audit (action, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The pipeline's metrics history, one row per minute (at: the minute's start).
CREATE TABLE minutes (
    at                   INTEGER PRIMARY KEY,
    events_per_sec       REAL NOT NULL,
    lag                  INTEGER, -- NULL: not known that minute (Redis down, say)
    errors               INTEGER NOT NULL,
    dead_letters         INTEGER,
    api_requests_per_sec REAL NOT NULL,
    api_p99_ms           REAL    -- NULL: no customer-API request that minute
) WITHOUT ROWID;

-- The desktops' latest reports, one per key (a session, or a user on a host).
CREATE TABLE desktops (
    key            TEXT PRIMARY KEY,
    user           TEXT NOT NULL,
    name           TEXT NOT NULL,
    version        TEXT NOT NULL,
    host           TEXT NOT NULL,
    cache_position TEXT NOT NULL,
    behind         INTEGER NOT NULL,
    reported_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX desktops_reported ON desktops (reported_at);

-- Settings every desktop shares, each a JSON value.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- Rebuild and replay jobs, running and done.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    since        TEXT NOT NULL DEFAULT '',
    conversation TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    started_by   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX jobs_started ON jobs (started_at);
