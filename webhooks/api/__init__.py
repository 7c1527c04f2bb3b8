"""The webhooks API under /api/v1/webhooks/: endpoints, their delivery logs, resend, replay and dead letters."""
