"""Standard Webhooks signing: `whsec_` secrets, and headers a receiver verifies with the `standardwebhooks` library."""

import base64
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def secret_new() -> str:
    """A new signing secret: 24 random bytes, base64, with the `whsec_` prefix receivers expect."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def headers(*, webhook_id: str, at: datetime, body: bytes, secrets_in_use: list[str]) -> dict[str, str]:
    """The three headers of one attempt; while a rotated secret is still valid, the body is signed with both."""
    signatures = " ".join(Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body) for secret in secrets_in_use)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "cxplatform-webhooks/1",
    }
