"""Endpoints: created with a secret shown once, changed, their secret rotated (the old one valid a while longer)."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webhooks import addresses, catalogue, signing
from webhooks.models import Endpoint

ROTATION_GRACE = timedelta(hours=24)  # after a rotation, deliveries are signed with both secrets for this long


def endpoint_problems(*, url: str | None = None, events: Sequence[str] | None = None, personal_fields=None) -> dict:
    """What is wrong with these endpoint values, by field (empty when nothing is)."""
    problems: dict[str, list[str]] = {}
    if url is not None:
        try:
            addresses.url_check(url, allow_private=settings.CX_WEBHOOKS_ALLOW_PRIVATE)
        except addresses.AddressRefused as exc:
            problems["url"] = [str(exc)]
    if events is not None:
        if not events:
            problems["events"] = [_("Choose at least one event type.")]
        elif unknown := catalogue.unknown_events(events):
            problems["events"] = [
                _("Unknown event types: %(unknown)s; known: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(catalogue.EVENT_TYPES)}
            ]
    if personal_fields is not None and (unknown := catalogue.unknown_personal(personal_fields)):
        problems["personal_fields"] = [
            _("Unknown personal fields: %(unknown)s; known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(catalogue.PERSONAL_FIELDS)}
        ]
    return problems


@transaction.atomic
def endpoint_create(
    *,
    url: str,
    events: Sequence[str],
    personal_fields: Sequence[str] = (),
    description: str = "",
    owner=None,
    active=True,
) -> Endpoint:
    """Create an endpoint with a new secret (the returned instance's `secret`: show it now, it is not shown again)."""
    problems = endpoint_problems(url=url, events=events, personal_fields=personal_fields)
    if problems:
        raise ValidationError(problems)
    return Endpoint.objects.create(
        url=url,
        events=sorted(set(events)),
        personal_fields=sorted(set(personal_fields)),
        description=description,
        owner=owner,
        active=active,
        secret=signing.secret_new(),
    )


_CHANGEABLE = ("url", "events", "personal_fields", "description", "active", "owner")


@transaction.atomic
def endpoint_update(*, endpoint_id: int, **changes) -> Endpoint:
    """Change an endpoint's URL, events, personal fields, description, owner or active flag.

    Turning an endpoint back on clears its failure record, so that a day of new failures is needed to disable it again.
    """
    unknown = set(changes) - set(_CHANGEABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
    problems = endpoint_problems(
        url=changes.get("url"), events=changes.get("events"), personal_fields=changes.get("personal_fields")
    )
    if problems:
        raise ValidationError(problems)
    for name in ("events", "personal_fields"):
        if name in changes:
            changes[name] = sorted(set(changes[name]))
    if changes.get("active") and not endpoint.active:
        endpoint.failing_since = None
        endpoint.disabled_reason = ""
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(*, endpoint_id: int, grace: timedelta = ROTATION_GRACE) -> Endpoint:
    """Give the endpoint a new secret; the old one signs deliveries too until `grace` has passed.

    Refused (a ValidationError on `secret`) while an earlier rotation's grace runs: a second
    rotation would end the first secret's grace at once, unlike what the receiver was promised.
    """
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
    now = timezone.now()
    if endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        raise ValidationError(
            {
                "secret": [
                    _(
                        "The secret was rotated less than 24 hours ago; both secrets sign until %(until)s. "
                        "Rotate again after that (or delete the endpoint and subscribe anew if the secret leaked)."
                    )
                    % {"until": endpoint.previous_secret_until.isoformat(timespec="minutes")}
                ]
            }
        )
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = now + grace
    endpoint.secret = signing.secret_new()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return endpoint


def endpoint_delete(*, endpoint_id: int) -> None:
    """Delete an endpoint, with its deliveries and their attempts (the events stay for the others)."""
    Endpoint.objects.filter(pk=endpoint_id).delete()
