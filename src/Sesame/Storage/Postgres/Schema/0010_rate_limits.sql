-- The counters of the abuse limits, as SQLite's 0010_rate_limits.sql: a log of counted events per key. Concurrent
-- nodes serialise on the key's row (SELECT ... FOR UPDATE after INSERT ... ON CONFLICT DO NOTHING), so a limit holds
-- across every node that shares the database.
CREATE TABLE rate_limit_keys (
    key         text    COLLATE "C" NOT NULL PRIMARY KEY,
    expires_at  bigint  NOT NULL
);

CREATE TABLE rate_limit_events (
    key         text    COLLATE "C" NOT NULL,
    at          bigint  NOT NULL,
    expires_at  bigint  NOT NULL
);

CREATE INDEX rate_limit_events_key ON rate_limit_events (key, at);
CREATE INDEX rate_limit_events_expiry ON rate_limit_events (expires_at);
