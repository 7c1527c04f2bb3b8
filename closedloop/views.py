"""Public pages of the closed loop: the referral link."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_safe

from closedloop import services


@require_safe
def referral_visit(request, code: str):
    """`/r/<code>`: count the visit and send the visitor to the landing page, the code in its query.

    An unknown code still leads to the landing page (a mistyped link should not dead-end), uncounted.
    """
    landing = settings.CX_REFERRAL_LANDING_URL
    code = services.advocate_visit(code=code)
    if code is None:
        return HttpResponseRedirect(landing)
    parts = urlsplit(landing)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("ref", code)]
    return HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))
