"""LeanSerializer validates and represents exactly as the plain serializer it speeds up."""

import pytest
from rest_framework import serializers

from common.api.fields import (
    LocaleField,
    StrictBooleanField,
    StrictCharField,
    StrictInputSerializer,
    StrictIntegerField,
)
from common.lean_serializers import LeanSerializer


class Customer(StrictInputSerializer):
    id = StrictCharField(max_length=10)
    locale = LocaleField(required=False, allow_blank=True)


class Plain(StrictInputSerializer):
    score = StrictIntegerField(min_value=0, max_value=10)
    comment = StrictCharField(required=False, allow_blank=True, max_length=20)
    consent = StrictBooleanField(required=False)
    customer = Customer(required=False)
    when = serializers.DateTimeField(required=False)


class LeanCustomer(LeanSerializer, Customer):
    pass


class Lean(LeanSerializer, Plain):
    customer = LeanCustomer(required=False)


BODIES = [
    {"score": 9, "comment": "好", "consent": True, "customer": {"id": "c1", "locale": "zh-TW"}},
    {"score": 11},
    {"score": "9", "comment": 5},
    {"score": 3, "customer": {"id": "x" * 11, "extra": 1}},
    {"score": 3, "when": "2026-12-01T10:00:00+08:00"},
    {"score": 3, "when": "yesterday", "coment": "typo"},
    [],
    "9",
]


@pytest.mark.parametrize("body", BODIES)
def test_lean_validates_as_the_plain_serializer(body):
    plain, lean = Plain(data=body), Lean(data=body)
    assert plain.is_valid() == lean.is_valid()
    assert plain.errors == lean.errors
    if plain.is_valid():
        assert plain.validated_data == lean.validated_data


def test_lean_builds_its_fields_once_per_class():
    assert Lean(data={}).fields is Lean(data={}).fields
    assert Plain(data={}).fields is not Plain(data={}).fields


def test_lean_represents_as_the_plain_serializer():
    instance = {"score": 9, "comment": "ok", "consent": False, "customer": {"id": "c", "locale": "en"}}
    assert Lean(instance).data == Plain(instance).data
