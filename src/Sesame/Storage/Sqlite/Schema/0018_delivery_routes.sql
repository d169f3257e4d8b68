-- Routing and delivery receipts (docs/delivery.md): the route a message took and what it cost there, when a
-- provider's receipt said it was delivered, and a lookup by the provider's message id for those receipts.
ALTER TABLE outbox ADD COLUMN route TEXT NULL;
ALTER TABLE outbox ADD COLUMN cost REAL NULL;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER NULL;
CREATE INDEX outbox_provider_message ON outbox (provider, provider_message_id);
