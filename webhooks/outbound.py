"""The HTTP client of what the webhooks app POSTs (deliveries and chat messages): a session per thread, and the
address check of each destination before it is POSTed to (webhooks.addresses)."""

import threading

import requests
from django.conf import settings

from webhooks import addresses

_local = threading.local()


def session() -> requests.Session:
    """This thread's session (pooled connections; the pump's threads each have their own)."""
    current = getattr(_local, "session", None)
    if current is None:
        current = requests.Session()
        current.trust_env = False  # no proxies from the environment: the address check must see the real host
        _local.session = current
    return current


def refusals(urls: dict[int, str]) -> dict[int, str | None]:
    """Check each destination (id → URL) now: None where it may be POSTed to, else why not."""
    refused: dict[int, str | None] = {}
    for key, url in urls.items():
        try:
            addresses.url_check(url, allow_private=settings.CX_WEBHOOKS_ALLOW_PRIVATE)
            refused[key] = None
        except addresses.AddressRefused as exc:
            refused[key] = str(exc)
    return refused
