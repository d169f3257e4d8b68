-- Sessions of the hosted sign-in page (OAuth/): a browser signed in on the page holds a sealed cookie naming one row
-- here by the SHA-256 of its random id (the id itself is never stored). /logout deletes the row, so the cookie stops
-- counting on every node even where the browser kept it. Expired rows are swept on insert.
CREATE TABLE hosted_ui_sessions (
    session_hash BLOB    NOT NULL PRIMARY KEY,
    pool_id      TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE INDEX hosted_ui_sessions_expiry ON hosted_ui_sessions (expires_at);
