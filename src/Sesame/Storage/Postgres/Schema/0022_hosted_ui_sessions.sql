-- Sessions of the hosted sign-in page, as SQLite's 0022_hosted_ui_sessions.sql: one row per signed-in browser, keyed by
-- the SHA-256 of the cookie's random id; /logout deletes it; expired rows are swept on insert.
CREATE TABLE hosted_ui_sessions (
    session_hash bytea  NOT NULL PRIMARY KEY,
    pool_id      text   COLLATE "C" NOT NULL,
    username     text   NOT NULL,
    expires_at   bigint NOT NULL
);

CREATE INDEX hosted_ui_sessions_expiry ON hosted_ui_sessions (expires_at);
