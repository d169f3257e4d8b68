-- Passwords, part 2: SRP verifiers and password-failure lockout. Times are Unix milliseconds.

-- The SRP salt and verifier (v = g^x mod N) of a user's password, kept beside users.password_hash (PBKDF2).
-- Deleting the user (or replacing an abandoned sign-up) deletes its verifier with it.
CREATE TABLE password_verifiers (
    pool_id       TEXT    NOT NULL,
    username_key  TEXT    NOT NULL,
    salt          BLOB    NOT NULL,   -- unsigned big-endian
    verifier      BLOB    NOT NULL,   -- unsigned big-endian
    PRIMARY KEY (pool_id, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;

-- Failed password attempts per user (or per stand-in name of an unknown user, so unknown users lock out too).
CREATE TABLE password_attempts (
    pool_id          TEXT    NOT NULL,
    username_key     TEXT    NOT NULL,
    failures         INTEGER NOT NULL,
    locked_until     INTEGER NULL,
    last_attempt_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key)
) WITHOUT ROWID;
