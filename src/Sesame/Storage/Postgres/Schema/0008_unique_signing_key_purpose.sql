-- One signing key per pool and purpose (id | access), held by the database rather than by a read before the insert:
-- nodes that start together against one database all keep the key stored first (INSERT ... ON CONFLICT DO NOTHING).
-- Numbered as SQLite's script of the same rule. Key rotation, when it comes, replaces this with a key state.
CREATE UNIQUE INDEX signing_keys_purpose ON signing_keys (pool_id, purpose);
