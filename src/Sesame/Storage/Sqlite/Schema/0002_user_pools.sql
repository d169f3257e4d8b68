-- User pools and app clients created through the API (CreateUserPool, CreateUserPoolClient). Configured pools stay in
-- configuration; these live beside them. Settings are the JSON of UserPoolOptions / AppClientOptions.

CREATE TABLE user_pools (
    pool_id      TEXT    NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    settings     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE user_pool_clients (
    client_id    TEXT    NOT NULL PRIMARY KEY,
    pool_id      TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    settings     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX user_pool_clients_pool ON user_pool_clients (pool_id);
