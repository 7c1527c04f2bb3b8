"""The webhooks console: endpoints (secret shown once, rotation, replay), their delivery logs, and the events."""

from webhooks.admin import deliveries, endpoints  # noqa: F401 - registers the admins
