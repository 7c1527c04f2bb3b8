"""Signed customer identity for the widget: the host's server signs the customer id, we check it.

signature = hex(HMAC-SHA256(key=survey identity secret, message=external id)), computed on the
host's server, never in the browser, so a visitor cannot answer as somebody else. An identity that
also names the customer's account signs both, one line each: message = external id + "\n" +
account, so a visitor cannot claim another account either. Neither may hold a line break
(identity_verified), so no two identities share a message.
"""

import hashlib
import hmac

ACCOUNT_MAX_CHARS = 200  # accounts.Account.external_id


def identity_message(*, external_id: str, account: str = "") -> str:
    """What the host's server signs: the external id, or the external id and the account on two lines."""
    return f"{external_id}\n{account}" if account else external_id


def identity_signature(*, secret: str, external_id: str, account: str = "") -> str:
    message = identity_message(external_id=external_id, account=account)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def identity_verified(*, secret: str, external_id: str, signature: str, account: str = "") -> bool:
    """Compare in constant time, so the time taken does not reveal how much of a guess was right.

    An id or account with a line break is never verified: the two-line message of one identity
    must not verify another.
    """
    if "\n" in external_id or "\n" in account:
        return False
    expected = identity_signature(secret=secret, external_id=external_id, account=account).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


def signed_external_id(*, secret: str, external_id: str, signature: str, account: str = "") -> str | None:
    """The external id when it (and any account) is short printable text and the signature matches, else None."""
    if not (0 < len(external_id) <= 128 and external_id.isprintable() and len(signature) <= 128):
        return None
    if not (len(account) <= ACCOUNT_MAX_CHARS and account.isprintable()):
        return None
    verified = identity_verified(secret=secret, external_id=external_id, signature=signature, account=account)
    return external_id if verified else None
