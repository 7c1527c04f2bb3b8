"""A fast reader for plainly well-formed touchpoint events, so that a batch of 500 skips DRF's per-field work.

A batch is mostly well-formed events, and validating 500 of them through serializers cost as much
as the contact policy and all its writes. `well_formed_event` accepts only a strict subset of what
the API's EventSerializer accepts, and reads it exactly as the serializer does; anything else
returns None, and the API hands it to the serializer, which names what is wrong.
tests/surveys/test_event_validation.py holds the two together over a wide set of bodies.
"""

import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.locales import normalize_locale
from surveys.services.events import CustomerRecord, EventInput

OCCURRED_AT_PAST = timedelta(days=365)
OCCURRED_AT_FUTURE = timedelta(days=1)

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLAIN_DECIMAL = re.compile(r"\d{1,10}(\.\d{1,2})?\Z")
_EVENT_KEYS = frozenset(("touchpoint", "event_id", "occurred_at", "survey", "customer"))
_CUSTOMER_KEYS = frozenset(("external_id", "email", "name", "locale", "account", "plan", "value"))
_SURVEY_ID_MAX = 2**63 - 1  # as EventSerializer's survey field: a bigint
_REFUSED = object()  # a value the fast path does not read: the serializer will


def well_formed_event(item: object, now: datetime | None = None) -> EventInput | None:
    """Return the event when it is plainly well formed, as EventSerializer would read it; None otherwise."""
    if type(item) is not dict or not item.keys() <= _EVENT_KEYS or not _event_fields_plain(item):
        return None
    occurred_at = None
    if "occurred_at" in item:
        occurred_at = _occurred_at(item["occurred_at"], now or timezone.now())
        if occurred_at is None:
            return None
    customer = _customer(item.get("customer"))
    if customer is None:
        return None
    return EventInput(
        touchpoint_key=item["touchpoint"],
        customer=customer,
        event_id=item.get("event_id"),
        occurred_at=occurred_at,
        survey_id=item.get("survey"),
    )


def _plain_text(value: object, limit: int, *, allow_blank: bool) -> bool:
    """Text DRF's CharField would keep as it is: no surrounding blanks, nothing unprintable, within its limit."""
    return (
        isinstance(value, str)
        and len(value) <= limit
        and (allow_blank or bool(value))
        and value == value.strip()
        and value.isprintable()
    )


def _event_fields_plain(item: dict) -> bool:
    touchpoint = item.get("touchpoint")
    if not (isinstance(touchpoint, str) and 0 < len(touchpoint) <= 64 and _SLUG.match(touchpoint)):
        return False
    if "event_id" in item and not _plain_text(item["event_id"], 128, allow_blank=False):
        return False
    return "survey" not in item or (type(item["survey"]) is int and 1 <= item["survey"] <= _SURVEY_ID_MAX)


def _occurred_at(value: object, now: datetime) -> datetime | None:
    """Parse an ISO 8601 time with an offset, as DateTimeField does; None when it is anything else."""
    if not (isinstance(value, str) and len(value) <= 64):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.utcoffset() is None:  # a naive time is read in the server's zone: the slow path
        return None
    if not now - OCCURRED_AT_PAST <= parsed <= now + OCCURRED_AT_FUTURE:
        return None
    return parsed.astimezone(timezone.get_current_timezone())


def _customer(customer: object) -> CustomerRecord | None:
    if type(customer) is not dict or not customer.keys() <= _CUSTOMER_KEYS:
        return None
    if not _plain_text(customer.get("external_id"), 128, allow_blank=False):
        return None
    given: dict[str, object] = {}
    for name, read in _CUSTOMER_READERS.items():
        if name in customer:
            value = read(customer[name])
            if value is _REFUSED:
                return None
            given[name] = value
    if given.get("value", 0) is None:
        del given["value"]  # null: not given
    return CustomerRecord(external_id=customer["external_id"], **given)


def _text(limit: int):
    return lambda value: value if _plain_text(value, limit, allow_blank=True) else _REFUSED


def _email(value: object) -> object:
    if not _plain_text(value, 254, allow_blank=True):
        return _REFUSED
    if value:
        try:
            validate_email(value)
        except ValidationError:
            return _REFUSED
    return value


def _locale(value: object) -> object:
    if not _plain_text(value, 35, allow_blank=True):
        return _REFUSED
    normalized = normalize_locale(value) if value else ""
    return _REFUSED if normalized is None else normalized


def _value(value: object) -> object:
    if value is None:
        return None
    if type(value) in (int, float):  # DecimalField reads a JSON number through its text, as here
        value = str(value)
    if not (isinstance(value, str) and _PLAIN_DECIMAL.match(value)):
        return _REFUSED
    return Decimal(value)


_CUSTOMER_READERS = {
    "email": _email,
    "name": _text(200),
    "locale": _locale,
    "account": _text(200),
    "plan": _text(100),
    "value": _value,
}
