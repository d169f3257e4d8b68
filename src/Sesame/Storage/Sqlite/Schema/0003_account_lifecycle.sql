-- Refresh token rotation (GetTokensFromRefreshToken) and verification of changed phone numbers and emails.

-- A rotated-out refresh token keeps its row: rotated_at starts its grace period, replaced_by names its one successor.
-- Rotation is not revocation: access tokens of the sign-in (origin_jti) stay valid until a family is revoked.
ALTER TABLE refresh_tokens ADD COLUMN rotated_at  INTEGER NULL;
ALTER TABLE refresh_tokens ADD COLUMN replaced_by BLOB    NULL;

-- One pending code per user and attribute (phone_number | email), stored only as nonce + keyed MAC.
-- pending_value holds a new value that takes effect only once verified (AttributesRequireVerificationBeforeUpdate).
CREATE TABLE attribute_codes (
    pool_id        TEXT    NOT NULL,
    username_key   TEXT    NOT NULL,
    attribute      TEXT    NOT NULL,
    mac            BLOB    NOT NULL,
    expires_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    max_attempts   INTEGER NOT NULL,
    pending_value  TEXT    NULL,
    PRIMARY KEY (pool_id, username_key, attribute)
) WITHOUT ROWID;
