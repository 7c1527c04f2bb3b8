"""An endpoint that keeps failing: marked at its first failure, disabled after a day of them, its owner emailed."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from webhooks.models import Endpoint

FAILING_FOR = timedelta(hours=24)  # failing without one success for this long disables the endpoint
EMAIL_EVERY = timedelta(hours=1)  # an owner hears about an endpoint at most this often


def endpoints_failing_check(outcomes: dict[int, bool]) -> list[int]:
    """Note each endpoint's batch outcome (id → any success); disable those failing for a day; return those disabled.

    Runs in the caller's transaction.
    """
    now = timezone.now()
    healthy = [endpoint_id for endpoint_id, succeeded in outcomes.items() if succeeded]
    failing = [endpoint_id for endpoint_id, succeeded in outcomes.items() if not succeeded]
    if healthy:
        Endpoint.objects.filter(id__in=healthy, failing_since__isnull=False).update(failing_since=None)
    if not failing:
        return []
    Endpoint.objects.filter(id__in=failing, failing_since__isnull=True).update(failing_since=now)
    to_disable = list(
        Endpoint.objects.filter(id__in=failing, active=True, failing_since__lte=now - FAILING_FOR).select_related(
            "owner"
        )
    )
    for endpoint in to_disable:
        endpoint.active = False
        endpoint.disabled_reason = _("Every delivery failed for 24 hours (since %(since)s).") % {
            "since": endpoint.failing_since.isoformat(timespec="minutes") if endpoint.failing_since else ""
        }
        endpoint.save(update_fields=["active", "disabled_reason", "updated_at"])
        _owner_email(endpoint, now=now)
    return [endpoint.id for endpoint in to_disable]


def _owner_email(endpoint: Endpoint, *, now) -> bool:
    """Tell the endpoint's owner it was disabled, unless they were told about it within the hour."""
    owner = endpoint.owner
    if owner is None or not owner.email:
        return False
    if endpoint.owner_emailed_at and endpoint.owner_emailed_at > now - EMAIL_EVERY:
        return False
    updated = (
        Endpoint.objects.filter(pk=endpoint.pk)
        .filter(Q(owner_emailed_at__isnull=True) | Q(owner_emailed_at__lte=now - EMAIL_EVERY))
        .update(owner_emailed_at=now)
    )
    if not updated:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
        body = _(
            "The webhook endpoint %(url)s failed every delivery for 24 hours and has been disabled.\n\n"
            "Its deliveries are kept: fix the receiver, turn the endpoint back on in the admin, resend the failed "
            "deliveries from its delivery log, and replay the events since it began failing (Replay events), which "
            "were not queued for it while it was off.\n\nLast problem: %(reason)s"
        ) % {"url": endpoint.url, "reason": endpoint.disabled_reason}
    recipient = owner.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient], fail_silently=True), robust=True)
    return True
