-- PasswordPolicy.TemporaryPasswordValidityDays and PasswordHistorySize. Times are Unix milliseconds.

-- When the current password was set: a temporary one (FORCE_CHANGE_PASSWORD) stops signing in TemporaryPasswordValidityDays
-- later. Passwords set before this script count from the user's last change, never earlier than they were set.
ALTER TABLE users ADD COLUMN password_set_at bigint NULL;
UPDATE users SET password_set_at = modified_at WHERE password_hash IS NOT NULL;

-- The hashes of passwords a user had before the current one, newest last (replaced_at), as many as the pool's
-- PasswordHistorySize asks to compare beyond the current one; a new password equal to one of them is refused.
-- Deleting the user (or replacing an abandoned sign-up) deletes its history with it.
CREATE TABLE password_history (
    pool_id        text    NOT NULL,
    username_key   text    COLLATE "C" NOT NULL,
    password_hash  text    NOT NULL,   -- salted, so unique per row
    replaced_at    bigint  NOT NULL,
    PRIMARY KEY (pool_id, username_key, password_hash),
    FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
);
