-- OAuth 2.0 authorization codes and the grants they become, as SQLite's 0014_oauth_grants.sql: one row per code keyed
-- by its SHA-256, redeemed once by one UPDATE ... RETURNING (row locks decide between nodes), a replay marked and the
-- sign-in revoked, the scope kept for the grant's refreshes.
CREATE TABLE oauth_grants (
    code_hash       bytea   NOT NULL PRIMARY KEY,
    origin_jti      text    COLLATE "C" NOT NULL UNIQUE,
    pool_id         text    COLLATE "C" NOT NULL,
    client_id       text    COLLATE "C" NOT NULL,
    redirect_uri    text    NOT NULL,
    code_challenge  text,
    scope           text    NOT NULL,
    nonce           text,
    username        text    NOT NULL,
    sub             text    NOT NULL,
    auth_time       bigint  NOT NULL,
    code_expires_at bigint  NOT NULL,
    code_used_at    bigint,
    replayed_at     bigint,
    expires_at      bigint  NOT NULL
);

CREATE INDEX oauth_grants_expiry ON oauth_grants (expires_at);
