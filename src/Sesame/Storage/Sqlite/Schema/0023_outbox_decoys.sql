-- Decoy rows: an unknown user's stand-in message (PreventUserExistenceErrors), written like a real one so both paths do
-- the same store work, with status 'decoy'. Nothing claims, lists or counts them; the dispatcher deletes them once the
-- queue is drained, through this index.
CREATE INDEX outbox_decoys ON outbox (created_at) WHERE status = 'decoy';
