"""The emails a case sends: the resolution note to the customer and the overdue alert to the team lead.

Both in the branded, phone-sized layout of common.emails, from DEFAULT_FROM_EMAIL. The note is
in the customer's language and asks for a reply only when replies are read (CX_REPLY_TO_EMAIL).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from closedloop.models import Case
from common.emails import branded_email, replies_read


def note_language(locale: str) -> str:
    """The template language for a customer's locale: zh-hant for Taiwan / Hong Kong, zh-hans for other Chinese."""
    locale = (locale or "").lower().replace("_", "-")
    if locale.startswith("zh"):
        return "zh-hant" if any(tag in locale for tag in ("hant", "tw", "hk", "mo")) else "zh-hans"
    return "en"


def note_follow_up(language: str) -> str:
    """The note's sentence on how to reach the team, honest about whether replies are read."""
    with translation.override(language):
        if replies_read():
            return gettext("If anything is still not right, just reply to this email.")
        return gettext(
            "Replies to this address are not read: if anything is still not right, please contact us "
            "through your usual support channel."
        )


def note_email(*, case: Case, subject: str, body: str) -> EmailMultiAlternatives:
    """The note as it is sent: the rendered text, and the same text in the branded layout."""
    language = note_language(case.locale)
    with translation.override(language):
        return branded_email(
            subject=subject,
            text=body,
            html_template="closedloop/email/note.html",
            context={"body": body},
            to=[case.customer_email],
            locale=language,
        )


def escalation_email(*, case: Case, to: str) -> EmailMultiAlternatives:
    """Tell a team lead that a case is overdue, with a link to it in the admin (in the site's language)."""
    owner = case.owner.get_username() if case.owner else gettext("nobody")
    subject = gettext("Case #%(case)s is overdue (P%(priority)s)") % {"case": case.pk, "priority": case.priority}
    body = gettext("Case #%(case)s for %(customer)s was due %(due)s and is still %(status)s; owner: %(owner)s.") % {
        "case": case.pk,
        "customer": case.customer_name or case.customer_external_id,
        "due": f"{case.due_at:%Y-%m-%d %H:%M %Z}",
        "status": case.get_status_display(),
        "owner": owner,
    }
    body += f"\n\n{case.get_reason_display()}: {case.survey_kind.upper()} {case.score}\n{case.comment}\n"
    case_url = settings.CX_PUBLIC_BASE_URL.rstrip("/") + reverse("admin:closedloop_case_change", args=[case.pk])
    return branded_email(
        subject=f"[{settings.CX_BRAND_NAME}] {subject}",
        text=f"{body}\n{case_url}\n",
        html_template="closedloop/email/escalation.html",
        context={"body": body, "case_url": case_url},
        to=[to],
        locale=translation.get_language() or settings.LANGUAGE_CODE,
    )
