"""The events an endpoint can subscribe to, the payload version, and which fields are personal data.

Pure: no models, no settings. Every payload is documented in docs/webhook-events.md, and its
JSON Schema is webhooks.schemas.
"""

from django.utils.translation import gettext_lazy as _

# Bumped when a payload changes in a way a receiver could notice; sent in every envelope.
PAYLOAD_VERSION = "2026-12-07"

RESPONSE_CREATED = "response.created"
RESPONSE_UPDATED = "response.updated"
FEEDBACK_ANALYSED = "feedback.analysed"
CASE_OPENED = "case.opened"
CASE_ESCALATED = "case.escalated"
CASE_RESOLVED = "case.resolved"
ADVOCATE_CREATED = "advocate.created"
ACCOUNT_HEALTH_CHANGED = "account.health_changed"
ACCOUNT_CHURNED = "account.churned"

EVENT_CHOICES = [
    (RESPONSE_CREATED, _("An answer was received")),
    (RESPONSE_UPDATED, _("An answer was changed")),
    (FEEDBACK_ANALYSED, _("A comment was analysed")),
    (CASE_OPENED, _("A case was opened")),
    (CASE_ESCALATED, _("A case was escalated")),
    (CASE_RESOLVED, _("A case was resolved")),
    (ADVOCATE_CREATED, _("A promoter became an advocate")),
    (ACCOUNT_HEALTH_CHANGED, _("An account's health band changed")),
    (ACCOUNT_CHURNED, _("An account churned or downgraded")),
]
EVENT_TYPES = tuple(value for value, _label in EVENT_CHOICES)

# Personal data an endpoint receives only when ticked; each names where it sits in an event's data.
EMAIL, NAME, COMMENT = "email", "name", "comment"
PERSONAL_CHOICES = [(EMAIL, _("Email address")), (NAME, _("Name")), (COMMENT, _("Comment text"))]
PERSONAL_FIELDS = tuple(value for value, _label in PERSONAL_CHOICES)
# An answer's answers to additional questions may hold free text: they go with its comment.
_PERSONAL_PATHS = {
    EMAIL: (("customer", "email"),),
    NAME: (("customer", "name"),),
    COMMENT: (("comment",), ("answers",)),
}


def unknown_events(types) -> list[str]:
    """The given event types that are not in the catalogue."""
    return [value for value in types if value not in EVENT_TYPES]


def unknown_personal(fields) -> list[str]:
    return [value for value in fields if value not in PERSONAL_FIELDS]


def data_for_endpoint(data: dict, *, object_id: int | None, allowed: frozenset[str] | set[str]) -> dict:
    """An event's data as one endpoint receives it: the object's id filled in, personal fields not allowed removed.

    A removed field is left out (not blanked), so a receiver cannot mistake it for an empty value.
    """
    shown = dict(data)
    if object_id is not None and "id" not in shown:
        shown = {"id": object_id, **shown}
    for name, paths in _PERSONAL_PATHS.items():
        if name in allowed:
            continue
        for path in paths:
            _drop(shown, path)
    return shown


def _drop(data: dict, path: tuple[str, ...]) -> None:
    head, *rest = path
    if not rest:
        data.pop(head, None)
        return
    inner = data.get(head)
    if isinstance(inner, dict):
        inner = dict(inner)
        _drop(inner, tuple(rest))
        data[head] = inner


def envelope(*, event_type: str, occurred_at: str, data: dict) -> dict:
    """The body of every delivery: Standard Webhooks' shape (type, timestamp of the change, data), and the version."""
    return {"type": event_type, "timestamp": occurred_at, "version": PAYLOAD_VERSION, "data": data}
