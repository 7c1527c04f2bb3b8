"""Writes of the webhooks app: events into the outbox, endpoints, deliveries (webhooks.services.*)."""
