"""The hand validator of touchpoint events (surveys.event_validation) against EventSerializer.

Over a wide set of bodies, well-formed, unusual and hostile: whatever the fast path accepts, the
serializer accepts and reads the same; and the batch endpoint's reading (fast path, then the
serializer for the rest) accepts and refuses exactly what the serializer alone does, with the
same error fields.
"""

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from surveys.api.events import EventSerializer, _event_or_errors
from surveys.event_validation import well_formed_event
from tests.surveys.test_api_events import FOR_THE_SERIALIZER, WELL_FORMED

ABSENT = object()
NOW = datetime.now(UTC)
LONG = "长" * 129
EVENT_FIELDS = {
    "touchpoint": ["support-ticket", "in-app", "in app", "tp\n", "", "x" * 65, "ä-umlaut", 7, None, ["a"], ABSENT],
    "event_id": ["e-1", ABSENT, "", " e ", "\u2028", LONG, "e\x00", 12, None],
    "occurred_at": [
        (NOW - timedelta(hours=1)).isoformat(),
        ABSENT,
        (NOW - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z"),
        (NOW + timedelta(days=2)).isoformat(),
        (NOW - timedelta(days=400)).isoformat(),
        "2026-13-45T10:00:00Z",
        "2024-02-30T10:00:00+08:00",
        (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        "9999-12-31T23:59:59+14:00",
        "x" * 70,
        1763798400,
        None,
    ],
    "survey": [ABSENT, 3, 0, 1, -1, 2**63 - 1, 2**63, "3", 3.0, True, None],
}
CUSTOMER_FIELDS = {
    "external_id": ["c-1", "王-1", " padded ", "", LONG, "a\tb", "\ud800", 5, None, ABSENT],
    "email": ["lin@shop.example", ABSENT, "", "not-an-email", "a@b", "王@例子.中国", " x@y.example", None, 3],
    "name": ["林美玲 🎉", ABSENT, "", "line\nbreak", "n" * 201, "\u200b", None],
    "locale": ["zh-TW", ABSENT, "zh-hans", "en", "", "fr", "ZH_cn", "zh-Hant-TW", "x" * 36, None],
    "account": ["台北麵包坊", ABSENT, "", "a" * 201],
    "plan": ["Growth", ABSENT, "", "p" * 101],
    "value": [
        "199.50",
        30,
        1200.5,
        0,
        "0.001",
        -3,
        1e-05,
        1e12,
        True,
        "1e3",
        " 1 ",
        float("nan"),
        float("inf"),
        None,
        "12345678901.00",
        ABSENT,
    ],
}
HOSTILE = [
    None,
    [],
    "not an object",
    42,
    {},
    {"touchpoint": "in-app"},
    {"customer": {"external_id": "x"}},
    {"touchpoint": "in-app", "customer": "x"},
    {"touchpoint": "in-app", "customer": ["x"]},
    {"touchpoint": "in-app", "customer": {"external_id": "x", "extra": 1}},
    {"touchpoint": "in-app", "customer": {"external_id": "x"}, "extra": 1},
    {"touchpoint": "in-app", "customer": {"external_id": {"$gt": ""}}},
    {"touchpoint": "in-app'; DROP TABLE surveys_customer; --", "customer": {"external_id": "x"}},
    {"touchpoint": "in-app", "customer": {"external_id": "x", "value": {"amount": 1}}},
    {"touchpoint": "in-app", "customer": {"external_id": "x", "locale": ["en"]}},
]


def _bodies() -> list[object]:
    rng = random.Random(20240601)  # the same bodies every run
    fields = list(EVENT_FIELDS.items())
    customer_fields = list(CUSTOMER_FIELDS.items())
    bodies: list[object] = [*WELL_FORMED, *FOR_THE_SERIALIZER, *HOSTILE]
    for name, values in itertools.chain(fields, customer_fields):  # each value alone, in an otherwise good event
        for value in values:
            event = {"touchpoint": "in-app", "customer": {"external_id": "c-1"}}
            target = event["customer"] if name in CUSTOMER_FIELDS else event
            if value is ABSENT:
                target.pop(name, None)
            else:
                target[name] = value
            bodies.append(event)

    def pick(values):  # a plainly good value (the first two of each list) three times in four
        return rng.choice(values[:2] if rng.random() < 0.75 else values)

    for _ in range(800):  # and in random combinations
        event = {name: pick(values) for name, values in fields}
        event["customer"] = {name: pick(values) for name, values in customer_fields}
        event["customer"] = {name: value for name, value in event["customer"].items() if value is not ABSENT}
        bodies.append({name: value for name, value in event.items() if value is not ABSENT})
    return bodies


BODIES = _bodies()


def _serializer_alone(item):
    serializer = EventSerializer(data=item)
    return serializer.to_event() if serializer.is_valid() else serializer.errors


def test_the_set_of_bodies_is_wide_and_both_accepted_and_refused():
    accepted = sum(well_formed_event(body) is not None for body in BODIES)
    refused = sum(not EventSerializer(data=body).is_valid() for body in BODIES)
    assert len(BODIES) > 800
    assert accepted > 50
    assert refused > 300


@pytest.mark.parametrize("index", range(len(BODIES)))
def test_what_the_fast_path_accepts_the_serializer_reads_the_same(index):
    body = BODIES[index]
    fast = well_formed_event(body)
    if fast is not None:
        serializer = EventSerializer(data=body)
        assert serializer.is_valid(), (body, serializer.errors)
        assert fast == serializer.to_event(), body


def test_the_endpoint_accepts_and_refuses_as_the_serializer_alone_with_the_same_error_fields():
    now = datetime.now(UTC)
    for body in BODIES:
        assert _event_or_errors(body, now) == _serializer_alone(body), body


def test_a_touchpoint_with_a_trailing_newline_goes_to_the_serializer():
    from surveys.event_validation import well_formed_event

    assert well_formed_event({"touchpoint": "tp\n", "customer": {"external_id": "x"}}) is None
