-- The first and last message id of each conversation. A dense search tests a chunk of
-- the grid by asking FTS5 only about the id ranges of the chunk's conversations; reading
-- a range here is one seek, where the messages index needs a walk over every message.
CREATE TABLE message_spans (
    conversation_id TEXT PRIMARY KEY,
    first_id        INTEGER NOT NULL,
    last_id         INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO message_spans (conversation_id, first_id, last_id)
    SELECT conversation_id, min(id), max(id) FROM messages GROUP BY conversation_id;
