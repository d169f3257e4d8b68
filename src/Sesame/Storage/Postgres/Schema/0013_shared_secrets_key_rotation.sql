-- As SQLite's 0013_shared_secrets_key_rotation.sql: the secrets every node shares (the generated master key, when
-- Development lets Sesame generate it, and the check value of the master key), and signing keys in generations.
CREATE TABLE server_secrets (
    name        text    NOT NULL PRIMARY KEY,
    value       bytea   NOT NULL,
    created_at  bigint  NOT NULL
);

ALTER TABLE signing_keys ADD COLUMN generation integer NOT NULL DEFAULT 0;
ALTER TABLE signing_keys ADD COLUMN activates_at bigint NOT NULL DEFAULT 0;
UPDATE signing_keys SET activates_at = created_at;
DROP INDEX signing_keys_purpose;
CREATE UNIQUE INDEX signing_keys_generation ON signing_keys (pool_id, purpose, generation);
