-- Sesame's PostgreSQL schema: the tables of the SQLite scripts 0001-0007 (Storage/Sqlite/Schema/) in one script.
-- Times are Unix milliseconds (bigint), as in SQLite, so both engines hold the same values and one copy tool moves
-- them unchanged. Attribute maps and pool/client settings are JSON kept as text: byte for byte what SQLite keeps, in
-- the order it was written (jsonb would reorder the keys, and with them the attributes GetUser returns); queries
-- that look inside cast to jsonb. Uniqueness of usernames, subs, phone numbers and emails is the database's job:
-- concurrent sign-ups on several nodes race, and only a constraint decides between them. The index and constraint
-- names below are the ones PostgresException.ConstraintName reports.

-- username_key compares bytewise ("C"), as SQLite does: ListUsers pages by "username_key > last", and the order must
-- not depend on the database's locale.
CREATE TABLE users (
    pool_id        text    NOT NULL,
    username_key   text    COLLATE "C" NOT NULL,   -- lower-cased username
    username       text    NOT NULL,
    sub            text    NOT NULL,
    status         text    NOT NULL,   -- UNCONFIRMED | CONFIRMED | ...
    enabled        boolean NOT NULL,
    phone_key      text    NULL,       -- phone_number, E.164
    email_key      text    NULL,       -- lower-cased email
    attributes     text    NOT NULL,   -- JSON object of string values
    password_hash  text    NULL,
    created_at     bigint  NOT NULL,
    modified_at    bigint  NOT NULL,
    version        bigint  NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, username_key)
);

CREATE UNIQUE INDEX users_sub   ON users (pool_id, sub);
CREATE UNIQUE INDEX users_phone ON users (pool_id, phone_key) WHERE phone_key IS NOT NULL;
CREATE UNIQUE INDEX users_email ON users (pool_id, email_key) WHERE email_key IS NOT NULL;

CREATE TABLE verification_codes (
    pool_id       text    NOT NULL,
    username_key  text    NOT NULL,
    purpose       text    NOT NULL,
    mac           bytea   NOT NULL,
    expires_at    bigint  NOT NULL,
    attempts      integer NOT NULL,
    max_attempts  integer NOT NULL,
    attribute     text    NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose)
);

-- One pending code per user and attribute (phone_number | email), stored only as nonce + keyed MAC.
-- pending_value holds a new value that takes effect only once verified (AttributesRequireVerificationBeforeUpdate).
CREATE TABLE attribute_codes (
    pool_id        text    NOT NULL,
    username_key   text    NOT NULL,
    attribute      text    NOT NULL,
    mac            bytea   NOT NULL,
    expires_at     bigint  NOT NULL,
    attempts       integer NOT NULL,
    max_attempts   integer NOT NULL,
    pending_value  text    NULL,
    PRIMARY KEY (pool_id, username_key, attribute)
);

-- attempts counts wrong answers to native USER_AUTH one-time codes on the session row, across nodes.
CREATE TABLE auth_sessions (
    id_hash     bytea   NOT NULL PRIMARY KEY,
    pool_id     text    NOT NULL,
    client_id   text    NOT NULL,
    state       text    NOT NULL,
    expires_at  bigint  NOT NULL,
    attempts    integer NOT NULL DEFAULT 0
);

CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);

-- A rotated-out refresh token keeps its row: rotated_at starts its grace period, replaced_by names its one successor.
CREATE TABLE refresh_tokens (
    token_hash   bytea   NOT NULL PRIMARY KEY,
    pool_id      text    NOT NULL,
    client_id    text    NOT NULL,
    username     text    NOT NULL,
    sub          text    NOT NULL,
    origin_jti   text    NOT NULL,
    event_id     text    NOT NULL,
    auth_time    bigint  NOT NULL,
    created_at   bigint  NOT NULL,
    expires_at   bigint  NOT NULL,
    revoked_at   bigint  NULL,
    rotated_at   bigint  NULL,
    replaced_by  bytea   NULL
);

CREATE INDEX refresh_tokens_origin ON refresh_tokens (origin_jti);
CREATE INDEX refresh_tokens_user   ON refresh_tokens (pool_id, sub);

CREATE TABLE outbox (
    id                   bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id              text    NOT NULL,
    channel              text    NOT NULL,   -- SMS | EMAIL
    destination_hint     text    NOT NULL,   -- masked
    payload              bytea   NULL,       -- encrypted; NULL once sent or failed
    status               text    NOT NULL,   -- queued | sent | failed
    attempts             integer NOT NULL,
    next_attempt_at      bigint  NOT NULL,
    lease_until          bigint  NULL,
    created_at           bigint  NOT NULL,
    sent_at              bigint  NULL,
    provider             text    NULL,
    provider_message_id  text    NULL,
    last_error           text    NULL
);

-- The claim (FOR UPDATE SKIP LOCKED) reads only queued rows; sent and failed ones pile up outside this index.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'queued';
-- Delivery status queries (GET /admin/messages): newest first, by pool and status.
CREATE INDEX outbox_pool_status ON outbox (pool_id, status, id);

CREATE TABLE signing_keys (
    pool_id      text    NOT NULL,
    kid          text    NOT NULL,
    purpose      text    NOT NULL,   -- id | access
    private_key  bytea   NOT NULL,   -- PKCS#8, AES-GCM encrypted
    created_at   bigint  NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

-- User pools and app clients created through the API (CreateUserPool, CreateUserPoolClient). Configured pools stay in
-- configuration; these live beside them. Settings are the JSON of UserPoolOptions / AppClientOptions.
CREATE TABLE user_pools (
    pool_id      text    NOT NULL PRIMARY KEY,
    name         text    NOT NULL,
    settings     text    NOT NULL,
    created_at   bigint  NOT NULL,
    modified_at  bigint  NOT NULL
);

CREATE TABLE user_pool_clients (
    client_id    text    NOT NULL PRIMARY KEY,
    pool_id      text    NOT NULL,
    name         text    NOT NULL,
    settings     text    NOT NULL,
    created_at   bigint  NOT NULL,
    modified_at  bigint  NOT NULL
);

CREATE INDEX user_pool_clients_pool ON user_pool_clients (pool_id);

-- The SRP salt and verifier (v = g^x mod N) of a user's password, kept beside users.password_hash (PBKDF2).
-- Deleting the user (or replacing an abandoned sign-up) deletes its verifier with it.
CREATE TABLE password_verifiers (
    pool_id       text    NOT NULL,
    username_key  text    NOT NULL,
    salt          bytea   NOT NULL,   -- unsigned big-endian
    verifier      bytea   NOT NULL,   -- unsigned big-endian
    PRIMARY KEY (pool_id, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);

-- Failed password attempts per user (or per stand-in name of an unknown user, so unknown users lock out too).
CREATE TABLE password_attempts (
    pool_id          text    NOT NULL,
    username_key     text    NOT NULL,
    failures         integer NOT NULL,
    locked_until     bigint  NULL,
    last_attempt_at  bigint  NOT NULL,
    PRIMARY KEY (pool_id, username_key)
);
