-- Pools with AliasAttributes that list preferred_username: the lower-cased preferred username of a confirmed user,
-- a sign-in name unique in its pool (Cognito's preferred_username alias, case-insensitive). NULL everywhere else.
ALTER TABLE users ADD COLUMN preferred_username_key text NULL;

CREATE UNIQUE INDEX users_preferred_username ON users (pool_id, preferred_username_key) WHERE preferred_username_key IS NOT NULL;
