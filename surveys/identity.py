"""Signed customer identity for the widget: the host's server signs the customer id, we check it.

signature = hex(HMAC-SHA256(key=survey identity secret, message=external id)), computed on the
host's server, never in the browser, so a visitor cannot answer as somebody else.
"""

import hashlib
import hmac


def identity_signature(*, secret: str, external_id: str) -> str:
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


def identity_verified(*, secret: str, external_id: str, signature: str) -> bool:
    """Compare in constant time, so the time taken does not reveal how much of a guess was right."""
    expected = identity_signature(secret=secret, external_id=external_id).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


def signed_external_id(*, secret: str, external_id: str, signature: str) -> str | None:
    """The external id when it is printable text of at most 128 characters and its signature matches, else None."""
    if not (0 < len(external_id) <= 128 and external_id.isprintable() and len(signature) <= 128):
        return None
    return external_id if identity_verified(secret=secret, external_id=external_id, signature=signature) else None
