"""Public pages of the closed loop: the referral link."""

import math
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from closedloop import services


class ReferralLinkThrottle(SimpleRateThrottle):
    """Visits to referral links per client address (CX_THROTTLE_PUBLIC_PAGES), so nobody can inflate counts."""

    scope = "public_pages"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read now: DRF's class attribute is read at import

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@require_safe
def referral_visit(request, code: str):
    """`/r/<code>`: count the visit and send the visitor to the landing page, the code in its query.

    An unknown code still leads to the landing page (a mistyped link should not dead-end), uncounted.
    """
    landing = settings.CX_REFERRAL_LANDING_URL
    throttle = ReferralLinkThrottle()
    if not throttle.allow_request(request, None):
        response = HttpResponse("Too many requests from this address; try again shortly.", status=429)
        response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
        return response
    code = services.advocate_visit(code=code)
    if code is None:
        return HttpResponseRedirect(landing)
    parts = urlsplit(landing)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("ref", code)]
    return HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))
