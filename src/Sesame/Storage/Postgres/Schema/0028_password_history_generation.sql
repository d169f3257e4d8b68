-- As SQLite's 0028_password_history_generation.sql: the password history ordered by a per-user generation, since
-- replaced_at alone ties for changes within one millisecond; rows written before are numbered in replaced_at order.
ALTER TABLE password_history ADD COLUMN generation bigint NOT NULL DEFAULT 0;

UPDATE password_history SET generation = (
    SELECT COUNT(*) FROM password_history AS earlier
    WHERE earlier.pool_id = password_history.pool_id AND earlier.username_key = password_history.username_key
      AND (earlier.replaced_at < password_history.replaced_at
           OR (earlier.replaced_at = password_history.replaced_at AND earlier.password_hash <= password_history.password_hash)));

CREATE UNIQUE INDEX password_history_generation ON password_history (pool_id, username_key, generation);
