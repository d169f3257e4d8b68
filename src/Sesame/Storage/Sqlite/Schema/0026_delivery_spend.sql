-- The SMS cost budget (Limits:SmsCostPerHour/SmsCostPerDay) sums what a pool's sent messages cost in the last hour or
-- day: only rows with a cost, by pool and send time.
CREATE INDEX outbox_pool_spend ON outbox (pool_id, sent_at) WHERE cost IS NOT NULL;
