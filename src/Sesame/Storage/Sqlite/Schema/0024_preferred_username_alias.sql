-- Pools with AliasAttributes that list preferred_username: the lower-cased preferred username of a confirmed user,
-- a sign-in name unique in its pool (Cognito's preferred_username alias, case-insensitive). NULL everywhere else.
ALTER TABLE users ADD COLUMN preferred_username_key TEXT NULL;

CREATE UNIQUE INDEX users_preferred_username ON users (pool_id, preferred_username_key) WHERE preferred_username_key IS NOT NULL;

-- The planner's figures for the new index, of the shape 0021 gives the others (one user per preferred username).
DELETE FROM sqlite_stat1 WHERE tbl = 'users' AND idx = 'users_preferred_username';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('users', 'users_preferred_username', '1000000 1000000 1');
ANALYZE sqlite_schema;
