"""The monthly churn review in the admin (/admin/accounts/churnrecord/review/), served by the churn record admin.

A CSM (accounts.view_churnrecord) sees their accounts' churns and downgrades of the month that
still need them; a holder of accounts.view_churn_review_all (the CX lead) sees every CSM's
progress and may open each one's list. `?month=YYYY-MM` (default: last month), `?csm=<user id>`,
`mine` or `nobody`. A month or CSM that is not one is a 400 page saying so.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.churn_review import Month, month_before, month_parse
from accounts.selectors import NO_CSM
from portfolio import review

SEES_ALL = "accounts.view_churn_review_all"
TEMPLATE = "admin/accounts/churnrecord/review.html"


class BadRequest(Exception):
    """A parameter that is not what it should be; the message names it."""


def _month(request) -> Month:
    asked = request.GET.get("month", "").strip()
    if not asked:
        return month_before(timezone.localdate())
    month = month_parse(asked)
    if month is None:
        raise BadRequest(
            _("“%(value)s” is not a month: write it as YYYY-MM, for example %(example)s.")
            % {"value": asked[:40], "example": month_before(timezone.localdate())}
        )
    return month


def _whose(request, sees_all: bool) -> int | str | None:
    """Whose list: a user id, NO_CSM, or None for every CSM's progress (only for those who see all)."""
    asked = request.GET.get("csm", "").strip()
    if not asked:
        return None if sees_all else request.user.pk
    if asked == "mine":
        return request.user.pk
    if asked == NO_CSM:
        csm: int | str = NO_CSM
    elif asked.isascii() and asked.isdigit() and len(asked) < 12:
        csm = int(asked)
        if csm != request.user.pk and sees_all and not get_user_model().objects.filter(pk=csm).exists():
            raise BadRequest(_("There is no user number %(id)s.") % {"id": csm})
    else:
        raise BadRequest(
            _("“%(value)s” is not a CSM: give a user's number, “mine” or “nobody”.") % {"value": asked[:40]}
        )
    if csm != request.user.pk and not sees_all:
        raise PermissionDenied
    return csm


def _csm_name(csm: int | str) -> str:
    if csm == NO_CSM:
        return _("No CSM")
    user = get_user_model().objects.filter(pk=csm).first()
    return (user.get_full_name() or user.get_username()) if user else str(csm)


def churn_review_view(model_admin, request):
    if not request.user.has_perm("accounts.view_churnrecord"):
        raise PermissionDenied
    sees_all = request.user.has_perm(SEES_ALL)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "sees_all": sees_all,
        "month_asked": request.GET.get("month", "")[:40],
        "csm_asked": request.GET.get("csm", "")[:40],
    }
    try:
        month, csm = _month(request), _whose(request, sees_all)
    except BadRequest as problem:
        context |= {"title": _("Churn review"), "problem": str(problem)}
        return TemplateResponse(request, TEMPLATE, context, status=400)
    context |= {
        "month": month,
        "csm": csm,
        "earlier": review.review_url(month.preceding, csm),
        "later": review.review_url(month.following, csm),
        "all_url": review.review_url(month),
    }
    if csm is None:
        context |= {"title": _("Churn review, %(month)s: every CSM") % {"month": month}, **review.completion(month)}
    else:
        name = _csm_name(csm)
        context |= {
            "title": _("Churn review, %(month)s: %(csm)s") % {"month": month, "csm": name},
            "csm_name": name,
            "mine": csm == request.user.pk,
            **review.csm_review(month, csm),
        }
    return TemplateResponse(request, TEMPLATE, context)
