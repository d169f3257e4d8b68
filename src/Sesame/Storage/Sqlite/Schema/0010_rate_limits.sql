-- Counters of the abuse limits (Abuse/SendLimits, Abuse/CodeFailures): a log of counted events per key, so every window
-- is exact (a sliding window, not a bucket that resets on the hour). Keys never hold a phone number or email in clear:
-- SendLimits keys them with a keyed hash. A key's row is what concurrent writers serialise on (PostgreSQL: FOR UPDATE);
-- events carry their own expiry (the longest window they were counted in), so an idle key is swept away.
CREATE TABLE rate_limit_keys (
    key         TEXT    NOT NULL PRIMARY KEY,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE rate_limit_events (
    key         TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE INDEX rate_limit_events_key ON rate_limit_events (key, at);
CREATE INDEX rate_limit_events_expiry ON rate_limit_events (expires_at);
