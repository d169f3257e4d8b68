-- Delivery status queries (GET /admin/messages): newest first, by pool and status.
CREATE INDEX outbox_pool_status ON outbox (pool_id, status, id);
