-- One table for every stored one-time code (sign-up confirmation and attribute verification), replacing
-- verification_codes (0001) and attribute_codes (0003), which had the same shape. Keyed by user first, so deleting a
-- user removes all its codes by prefix; purpose is 'signup', 'verify:phone_number' or 'verify:email'.
-- The old tables kept the nonce as the first bytes of the mac blob (22 ASCII characters, then the 32-byte MAC); here
-- it has a column of its own.
CREATE TABLE one_time_codes (
    pool_id        TEXT    NOT NULL,
    subject        TEXT    NOT NULL,   -- username_key
    purpose        TEXT    NOT NULL,
    nonce          TEXT    NOT NULL,
    mac            BLOB    NOT NULL,   -- HMAC-SHA256, 32 bytes
    expires_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    max_attempts   INTEGER NOT NULL,
    attribute      TEXT    NOT NULL,   -- phone_number | email
    pending_value  TEXT    NULL,       -- a new value that takes effect only once verified
    PRIMARY KEY (pool_id, subject, purpose)
) WITHOUT ROWID;

-- Pending codes are migrated, not dropped: they live up to 24 hours (ConfirmationCode:Lifetime), and a user halfway
-- through confirming a sign-up should not have to ask for a new code because the server was upgraded. Their MACs stay
-- valid, since the MAC's inputs (purpose, pool, user, nonce, expiry, code) are unchanged.
INSERT INTO one_time_codes (pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value)
SELECT pool_id, username_key, purpose, CAST(substr(mac, 1, length(mac) - 32) AS TEXT), substr(mac, length(mac) - 31),
       expires_at, attempts, max_attempts, attribute, NULL
FROM verification_codes WHERE length(mac) > 32;

INSERT INTO one_time_codes (pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value)
SELECT pool_id, username_key, 'verify:' || attribute, CAST(substr(mac, 1, length(mac) - 32) AS TEXT), substr(mac, length(mac) - 31),
       expires_at, attempts, max_attempts, attribute, pending_value
FROM attribute_codes WHERE length(mac) > 32;

DROP TABLE verification_codes;
DROP TABLE attribute_codes;
