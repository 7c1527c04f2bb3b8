"""Rate limits for the public endpoints: a fixed-window counter per client address.

DRF's SimpleRateThrottle keeps every request's timestamp for the whole window, so each check
costs time and memory in proportion to the rate allowed. A counter costs two cache operations
whatever the rate, and with CACHE_URL=redis://… it is shared by every web process.
"""

import math
import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) for '60/min', '1000/hour', '5/s'."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period[0]]


class FixedWindowThrottle(BaseThrottle):
    """Allow `rate` requests per client address and window; the rate is REST_FRAMEWORK's for `scope`."""

    scope: str = ""

    def __init__(self) -> None:
        self.num_requests, self.duration = parse_rate(api_settings.DEFAULT_THROTTLE_RATES[self.scope])
        self._wait = 0.0

    def allow_request(self, request, view) -> bool:
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle:{self.scope}:{self.get_ident(request)}:{window}"
        cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.duration + 1)
            count = 1
        if count <= self.num_requests:
            return True
        self._wait = (window + 1) * self.duration - now
        return False

    def wait(self) -> float:
        return max(self._wait, 1.0)


class PublicResponseThrottle(FixedWindowThrottle):
    """Answers per client address (CX_THROTTLE_PUBLIC_RESPONSES, e.g. 60/min)."""

    scope = "public_responses"


class PublicPageThrottle(FixedWindowThrottle):
    """Survey pages, thanks and unsubscribe links per client address (CX_THROTTLE_PUBLIC_PAGES)."""

    scope = "public_pages"


def throttled(throttle_class: type[FixedWindowThrottle]):
    """Rate-limit a plain Django view as the API's throttles do: 429 with Retry-After when over."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                response = HttpResponse(
                    "Too many requests from this address; try again shortly.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(math.ceil(throttle.wait()))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
