"""Query strings: parameters given in full, date-times in UTC, ids as whole numbers.

A parameter given but empty (`?since=`, `?owner=`) is an error naming it rather than "no filter".
"""

from datetime import UTC, datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers
from rest_framework.utils import html


class QuerySerializer(serializers.Serializer):
    """Validates a query string: a parameter given empty (`?since=`) is an error naming it, not "left out"."""

    def to_internal_value(self, data):
        if html.is_html_input(data):
            blank: dict[str, list[str]] = {
                str(name): ["Give a value, or leave the parameter out."]
                for name in self.fields
                if name in data and "" in data.getlist(name)
            }
            if blank:
                raise serializers.ValidationError(blank)
        return super().to_internal_value(data)


def to_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; ValueError outside the calendar (PostgreSQL refuses offsets beyond ±15:59)."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC; given but empty is an error, not "no filter"."""

    def to_python(self, value):
        if value == "":  # given, but empty: not the same as left out
            raise forms.ValidationError("Enter a date-time, or leave the parameter out.", code="invalid")
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return to_utc(value)
        except ValueError:
            raise forms.ValidationError("Date-time out of range.", code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class IdField(forms.IntegerField):
    """A whole number; given but empty (`?owner=`) is an error, not "no filter"."""

    def to_python(self, value):
        if value == "":
            raise forms.ValidationError("Enter a whole number, or leave the parameter out.", code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class GivenMixin:
    """For a form field of a filter: given but empty (`?status=`) is an error, not "no filter"."""

    def to_python(self, value):
        if value == "":
            raise forms.ValidationError("Give a value, or leave the parameter out.", code="invalid")
        return super().to_python(value)  # type: ignore[misc]


class GivenChoiceField(GivenMixin, forms.ChoiceField):
    pass


class GivenChoiceFilter(django_filters.ChoiceFilter):
    field_class = GivenChoiceField
