"""The invitation email: the first question inside, each answer a link, in the customer's language.

Branded and phone-sized by common.emails: the answers are one row of equal cells that shrink
with the screen (11 of them fit a 320 px phone).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from common.emails import branded_email, replies_read
from surveys import scoring
from surveys.models import Invitation
from surveys.texts import scale_labels, survey_question


def absolute_url(path: str) -> str:
    return settings.CX_PUBLIC_BASE_URL.rstrip("/") + path


def invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    """Build the email for an invitation, in the invitation's (else the survey's) language."""
    survey = invitation.survey
    locale = invitation.locale or invitation.customer.locale or survey.default_locale
    low, high = scoring.scale_for(survey.kind)
    page = absolute_url(reverse("survey-page", args=[invitation.token]))
    unsubscribe = absolute_url(reverse("unsubscribe", args=[invitation.token]))
    with translation.override(locale):
        low_label, high_label = scale_labels(survey.kind)
        context = {
            "question": survey_question(survey, locale),
            "customer_name": invitation.customer.name,
            "scores": [
                {
                    "value": value,
                    "url": f"{page}?score={value}",
                    "label": _score_label(value, (low, low_label), (high, high_label)),
                }
                for value in range(low, high + 1)
            ],
            "cell_width": f"{100 / (high - low + 1):.2f}",
            "low_value": low,
            "high_value": high,
            "low_label": low_label,
            "high_label": high_label,
            "page_url": page,
            "unsubscribe_url": unsubscribe,
            "locale": locale,
        }
        subject = context["question"]
        text = render_to_string("surveys/email/invitation.txt", {**context, "replies_read": replies_read()})
        return branded_email(
            subject=subject,
            text=text,
            html_template="surveys/email/invitation.html",
            context=context,
            to=[invitation.customer.email],
            locale=locale,
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )


def _score_label(value: int, *ends: tuple[int, str]) -> str:
    """What a screen reader says for one answer: the number, and at the ends what it means."""
    return next((f"{value} ({label})" for end, label in ends if end == value), str(value))
