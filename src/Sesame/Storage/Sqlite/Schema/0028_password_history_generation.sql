-- The password history's order: replaced_at alone ties when two changes of one user fall in the same millisecond, so
-- PasswordHistorySize could keep an older hash and forget a newer one. generation counts a user's replaced passwords,
-- 1 for the first; the store gives each new row its user's highest plus one, in the transaction that holds the user's
-- row, and reads and prunes newest first by it. It counts per user, not per database, so a copy to another engine
-- (sesame storage copy) carries it value for value with no sequence to move.

ALTER TABLE password_history ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

-- Rows written before this script: numbered in replaced_at order; rows that tie keep an arbitrary but fixed order.
UPDATE password_history SET generation = (
    SELECT COUNT(*) FROM password_history AS earlier
    WHERE earlier.pool_id = password_history.pool_id AND earlier.username_key = password_history.username_key
      AND (earlier.replaced_at < password_history.replaced_at
           OR (earlier.replaced_at = password_history.replaced_at AND earlier.password_hash <= password_history.password_hash)));

-- One generation per user, and the index the newest-first reads and the highest-plus-one write walk.
CREATE UNIQUE INDEX password_history_generation ON password_history (pool_id, username_key, generation);
