-- Native USER_AUTH one-time-code challenges (SMS_OTP, EMAIL_OTP) keep their session across wrong answers, as Amplify
-- retries with the same Session after CodeMismatchException; the answers are counted on the session row.
ALTER TABLE auth_sessions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
