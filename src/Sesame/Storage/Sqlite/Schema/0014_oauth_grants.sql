-- OAuth 2.0 authorization codes and the grants they become (OAuth/). One row per code, keyed by the code's SHA-256
-- (the code itself is never stored). A code is redeemed once: code_used_at is set by one UPDATE ... RETURNING, so of
-- concurrent redemptions exactly one wins; a later redemption marks replayed_at and revokes the sign-in named by
-- origin_jti (RFC 6749 section 4.1.2). After redemption the row lives as long as the grant's refresh token and keeps the
-- scope that refreshes of that sign-in carry on. Expired rows are swept on insert.
CREATE TABLE oauth_grants (
    code_hash       BLOB    NOT NULL PRIMARY KEY,
    origin_jti      TEXT    NOT NULL UNIQUE,
    pool_id         TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    redirect_uri    TEXT    NOT NULL,
    code_challenge  TEXT,
    scope           TEXT    NOT NULL,
    nonce           TEXT,
    username        TEXT    NOT NULL,
    sub             TEXT    NOT NULL,
    auth_time       INTEGER NOT NULL,
    code_expires_at INTEGER NOT NULL,
    code_used_at    INTEGER,
    replayed_at     INTEGER,
    expires_at      INTEGER NOT NULL
);

CREATE INDEX oauth_grants_expiry ON oauth_grants (expires_at);
