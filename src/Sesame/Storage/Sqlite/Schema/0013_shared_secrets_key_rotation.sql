-- What every node of a deployment must share, in the database they share (docs/scaling.md):
-- server_secrets holds the master key when Sesame generated it (PostgreSQL without Sesame:Secrets:MasterKey, which
-- Development allows) and always a check value derived from the master key, so a node started with another key stops
-- at start-up instead of writing data no other node can read. The first node's INSERT wins; the others read it.
CREATE TABLE server_secrets (
    name        TEXT    NOT NULL PRIMARY KEY,
    value       BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Signing-key rotation: a pool has a sequence of keys per purpose (generation 0, 1, ...). A key is published from the
-- moment it is stored, signs from activates_at until the next generation activates, and stays published until the
-- longest-lived token it signed has expired. The UNIQUE (pool, purpose, generation) lets the first of several nodes that
-- create the first key, or rotate at once, win; the others keep its key.
ALTER TABLE signing_keys ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER NOT NULL DEFAULT 0;
UPDATE signing_keys SET activates_at = created_at;
DROP INDEX signing_keys_purpose;
CREATE UNIQUE INDEX signing_keys_generation ON signing_keys (pool_id, purpose, generation);
