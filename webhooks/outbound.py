"""The HTTP client of what the webhooks app POSTs (deliveries and chat messages): a session per thread, and the
address check of each destination before it is POSTed to (webhooks.addresses)."""

import threading
import time
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver answered: its status, its Retry-After header, and the start of its body (NULs removed)."""

    status: int
    retry_after: str | None
    text: str


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float, read_at_most: int) -> Answer:
    """POST `body`; raise requests.RequestException for a connection error, or a Timeout when no answer came
    within `timeout` seconds in all. Only the first `read_at_most` bytes of the answer are read."""
    started = time.monotonic()
    with session().post(
        url, data=body, headers=headers, timeout=(min(5.0, timeout), timeout), allow_redirects=False, stream=True
    ) as answer:
        start = answer.raw.read(read_at_most, decode_content=True) or b""
    if time.monotonic() - started > timeout:
        raise requests.Timeout(f"No whole answer within {timeout:g} s.")
    text = start.decode(answer.encoding or "utf-8", errors="replace").replace("\x00", "")
    return Answer(answer.status_code, answer.headers.get("Retry-After"), text)
