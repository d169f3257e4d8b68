-- As SQLite's 0018_delivery_routes.sql: the route a message took and what it cost there, when a provider's receipt
-- said it was delivered, and a lookup by the provider's message id for those receipts.
ALTER TABLE outbox ADD COLUMN route text NULL;
ALTER TABLE outbox ADD COLUMN cost double precision NULL;
ALTER TABLE outbox ADD COLUMN delivered_at bigint NULL;
CREATE INDEX outbox_provider_message ON outbox (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
