"""A small per-process cache for the hot lookups of the public endpoints (surveys, touchpoints).

Each web process keeps what it read for CX_LOOKUP_CACHE_SECONDS, so a survey switched off in
the admin stops taking answers within that time in every process without a query per request.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings

V = TypeVar("V")
_MISSING = object()


class TTLCache(Generic[V]):
    """Remember load(key) for a few seconds; `None` results are remembered too."""

    def __init__(self, load: Callable[[Hashable], V | None], *, max_entries: int = 10_000) -> None:
        self._load = load
        self._max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        now = time.monotonic()
        entry = self._entries.get(key, _MISSING)
        if entry is not _MISSING and entry[0] > now:  # type: ignore[index]
            return entry[1]  # type: ignore[index]
        value = self._load(key)
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = (now + settings.CX_LOOKUP_CACHE_SECONDS, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
