-- Sesame schema, version 1. Times are Unix milliseconds; attribute maps are JSON text.

CREATE TABLE users (
    pool_id        TEXT    NOT NULL,
    username_key   TEXT    NOT NULL,   -- lower-cased username
    username       TEXT    NOT NULL,
    sub            TEXT    NOT NULL,
    status         TEXT    NOT NULL,   -- UNCONFIRMED | CONFIRMED
    enabled        INTEGER NOT NULL,
    phone_key      TEXT    NULL,       -- phone_number, E.164
    email_key      TEXT    NULL,       -- lower-cased email
    attributes     TEXT    NOT NULL,
    password_hash  TEXT    NULL,
    created_at     INTEGER NOT NULL,
    modified_at    INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key)
) WITHOUT ROWID;

CREATE UNIQUE INDEX users_sub   ON users (pool_id, sub);
CREATE UNIQUE INDEX users_phone ON users (pool_id, phone_key) WHERE phone_key IS NOT NULL;
CREATE UNIQUE INDEX users_email ON users (pool_id, email_key) WHERE email_key IS NOT NULL;

CREATE TABLE verification_codes (
    pool_id       TEXT    NOT NULL,
    username_key  TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    mac           BLOB    NOT NULL,
    expires_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL,
    max_attempts  INTEGER NOT NULL,
    attribute     TEXT    NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose)
) WITHOUT ROWID;

CREATE TABLE auth_sessions (
    id_hash     BLOB    NOT NULL PRIMARY KEY,
    pool_id     TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);

CREATE TABLE refresh_tokens (
    token_hash  BLOB    NOT NULL PRIMARY KEY,
    pool_id     TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    username    TEXT    NOT NULL,
    sub         TEXT    NOT NULL,
    origin_jti  TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    auth_time   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER NULL
) WITHOUT ROWID;

CREATE INDEX refresh_tokens_origin ON refresh_tokens (origin_jti);
CREATE INDEX refresh_tokens_user   ON refresh_tokens (pool_id, sub);

CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id              TEXT    NOT NULL,
    channel              TEXT    NOT NULL,   -- SMS | EMAIL
    destination_hint     TEXT    NOT NULL,   -- masked
    payload              BLOB    NULL,       -- encrypted; NULL once sent or failed
    status               TEXT    NOT NULL,   -- queued | sent | failed
    attempts             INTEGER NOT NULL,
    next_attempt_at      INTEGER NOT NULL,
    lease_until          INTEGER NULL,
    created_at           INTEGER NOT NULL,
    sent_at              INTEGER NULL,
    provider             TEXT    NULL,
    provider_message_id  TEXT    NULL,
    last_error           TEXT    NULL
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE signing_keys (
    pool_id      TEXT    NOT NULL,
    kid          TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,   -- id | access
    private_key  BLOB    NOT NULL,   -- PKCS#8, AES-GCM encrypted
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (pool_id, kid)
) WITHOUT ROWID;
