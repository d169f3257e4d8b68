-- As SQLite's 0026_delivery_spend.sql: the SMS cost budget sums what a pool's sent messages cost in a window.
CREATE INDEX outbox_pool_spend ON outbox (pool_id, sent_at) WHERE cost IS NOT NULL;
