"""Following up with the customer: the note that tells them their case was resolved, and the re-survey after it.

Also what happens when an email about a case (the note, or the escalation to the team lead)
cannot be sent once its retries are spent.
"""

from datetime import datetime

from django.utils import timezone

from closedloop.activity_texts import Entry
from closedloop.emails import note_email, note_follow_up, note_language
from closedloop.models import Case, CaseActivity, NoteTemplate
from closedloop.services.activity import activity_log


def case_notify_customer(*, case_id: int) -> bool:
    """Send the resolution note to the customer once; True when it was sent by this call.

    The case is claimed with a conditional UPDATE (customer_notified_at), so a second delivery
    sends nothing; a failed send frees the claim again and raises for the task to retry.
    """
    now = timezone.now()
    if not Case.objects.filter(pk=case_id, customer_notified_at__isnull=True).update(customer_notified_at=now):
        return False
    case = Case.objects.get(pk=case_id)
    try:
        subject, body = case_note_render(case=case)  # a template broken by an edit fails here, before anything is told
        note_email(case=case, subject=subject, body=body).send()
    except Exception:
        Case.objects.filter(pk=case_id).update(customer_notified_at=None)
        raise
    # Written only while the case still has its customer: a customer forgotten meanwhile stays forgotten.
    if (
        Case.objects.filter(pk=case_id, customer_email=case.customer_email)
        .exclude(customer_email="")
        .update(customer_note=body, customer_note_error="")
    ):
        activity_log(
            case,
            None,
            CaseActivity.Kind.NOTIFIED,
            Entry("note_sent", {"email": case.customer_email, "subject": subject}),
        )
    return True


def case_email_failed(*, case_id: int, email: str, error: str) -> None:
    """Record on the case that an email about it could not be sent, once retries are spent.

    `email` is "note" (to the customer: the error is kept on the case, and staff may tick
    "notify customer" again) or "escalation" (to the team lead). Shown in the case's activity.
    """
    error = error[:1000]
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    if email == "note":
        if not Case.objects.filter(pk=case_id, customer_notified_at__isnull=True).update(customer_note_error=error):
            return  # sent after all, by a later attempt
        entry = Entry("note_not_sent", {"error": error})
    else:
        entry = Entry("escalation_not_sent", {"error": error})
    activity_log(case, None, CaseActivity.Kind.NOT_SENT, entry)


def case_note_render(*, case: Case) -> tuple[str, str]:
    """The subject and body of the resolution note, in the customer's language.

    `{follow_up}` says how the customer reaches the team: "reply to this email" only when replies
    are read (CX_REPLY_TO_EMAIL); otherwise that replies are not read.
    """
    language = note_language(case.locale)
    templates = {t.language: t for t in NoteTemplate.objects.filter(language__in=(language, "en"))}
    template = templates.get(language) or templates.get("en")  # the shipped templates may have been deleted
    subject, body = (template.subject, template.body) if template else ("Your feedback", "{resolution}")
    fields = {
        "name": case.customer_name or case.customer_external_id,
        "resolution": case.resolution,
        "case": case.pk,
        "follow_up": note_follow_up(template.language if template else "en"),
    }
    return subject, body.format_map(_Blank(fields))


class _Blank(dict):
    def __missing__(self, key):  # an unknown placeholder in an edited template stays as it was written
        return "{" + key + "}"


def case_resurvey_sent(*, case_id: int, now: datetime | None = None) -> None:
    """Record that the re-survey of a case went out (called by the distribution side)."""
    now = now or timezone.now()
    case = Case.objects.get(pk=case_id)
    Case.objects.filter(pk=case_id).update(resurvey_sent_at=now, updated_at=now)
    activity_log(case, None, CaseActivity.Kind.EDITED, Entry("resurvey_sent"))
