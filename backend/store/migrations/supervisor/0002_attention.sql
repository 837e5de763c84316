-- The "Needs attention" view (package supervisor, NeedsAttention) reads the
-- conversations active within its window, whatever their status: an index on the
-- activity time reads exactly those, instead of every conversation in the cache.
CREATE INDEX IF NOT EXISTS conversations_activity ON conversations (last_activity_at);
