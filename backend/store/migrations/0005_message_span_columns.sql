-- Each conversation's first and last message id move from message_spans onto its
-- row, where the indexes a search walks can hold them (migrations/supervisor): a
-- dense search then reads a conversation's span from the index entry it walks, with
-- no seek of its own.
ALTER TABLE conversations ADD COLUMN first_message INTEGER;
ALTER TABLE conversations ADD COLUMN last_message INTEGER;
UPDATE conversations SET first_message = s.first_id, last_message = s.last_id
    FROM message_spans AS s WHERE s.conversation_id = conversations.id;
DROP TABLE message_spans;
