"""Public pages of the closed loop: the referral link."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_safe

from closedloop import rules, services


@require_safe
def referral_visit(request, code: str):
    """`/r/<code>`: count the visit and send the visitor to the landing page, the code in its query.

    An unknown code still leads to the landing page (a mistyped link should not dead-end), uncounted.
    """
    landing = settings.CX_REFERRAL_LANDING_URL
    if services.advocate_visit(code=code):
        separator = "&" if "?" in landing else "?"
        return HttpResponseRedirect(f"{landing}{separator}ref={rules.referral_code_normal(code)}")
    return HttpResponseRedirect(landing)
