-- One table for every stored one-time code (sign-up confirmation and attribute verification), replacing
-- verification_codes and attribute_codes of 0001, as SQLite's 0009 does. Pending codes are moved, as there: the old
-- tables kept the nonce as the first bytes of the mac (22 ASCII characters, then the 32-byte MAC).
CREATE TABLE one_time_codes (
    pool_id        text    NOT NULL,
    subject        text    NOT NULL,   -- username_key
    purpose        text    NOT NULL,   -- signup | verify:phone_number | verify:email
    nonce          text    NOT NULL,
    mac            bytea   NOT NULL,   -- HMAC-SHA256, 32 bytes
    expires_at     bigint  NOT NULL,
    attempts       integer NOT NULL,
    max_attempts   integer NOT NULL,
    attribute      text    NOT NULL,   -- phone_number | email
    pending_value  text    NULL,       -- a new value that takes effect only once verified
    PRIMARY KEY (pool_id, subject, purpose)
);

INSERT INTO one_time_codes (pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value)
SELECT pool_id, username_key, purpose, convert_from(substring(mac FROM 1 FOR length(mac) - 32), 'UTF8'),
       substring(mac FROM length(mac) - 31), expires_at, attempts, max_attempts, attribute, NULL
FROM verification_codes WHERE length(mac) > 32;

INSERT INTO one_time_codes (pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value)
SELECT pool_id, username_key, 'verify:' || attribute, convert_from(substring(mac FROM 1 FOR length(mac) - 32), 'UTF8'),
       substring(mac FROM length(mac) - 31), expires_at, attempts, max_attempts, attribute, pending_value
FROM attribute_codes WHERE length(mac) > 32;

DROP TABLE verification_codes;
DROP TABLE attribute_codes;
