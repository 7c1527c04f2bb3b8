"""Fields of the closed loop's API.

Strict input: a wrong JSON type or an unknown key is named, never coerced or dropped. Lean output:
rows of the case queue represented from `.values()` (ValuesRows).
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from typing import Any

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings
from rest_framework.utils import html


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be an integer (a JSON number without a fraction)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.", code="invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError("Must be true or false.", code="invalid")
        return data


class StrictInputSerializer(serializers.Serializer):
    """Names unknown keys as errors ("Unknown field.") instead of dropping them."""

    def to_internal_value(self, data):
        unknown = (
            {str(key): ["Unknown field."] for key in data if key not in self.fields}
            if isinstance(data, Mapping)
            else {}
        )
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
            raise serializers.ValidationError({**detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class QuerySerializer(serializers.Serializer):
    """Validates a query string: a parameter given empty (`?since=`) is an error naming it, not "left out"."""

    def to_internal_value(self, data):
        if html.is_html_input(data):
            blank = {
                name: ["Give a value, or leave the parameter out."]
                for name in self.fields
                if name in data and "" in data.getlist(name)
            }
            if blank:
                raise serializers.ValidationError(blank)
        return super().to_internal_value(data)


class ValuesRows:
    """A ModelSerializer's output built from `.values()` rows: the same keys and values, without model instances.

    Building a model instance per row (with its owner, team and root cause) and then DRF's
    per-field attribute lookup and representation took two thirds of a 100-row page of the case
    queue. This reads each field's source as one `.values()` lookup ("owner.username" becomes
    "owner__username", a LEFT JOIN) and represents it as the field would: date-times in the
    current time zone and ISO 8601 as DRF writes them; values the database already gives in
    their JSON type (text, choices, whole numbers, floats, JSON lists) as they are; any other
    field (a decimal, say) through its own to_representation. Only for read-only serializers
    of plain fields whose sources are model fields or paths through foreign keys.
    """

    _AS_STORED = (
        serializers.CharField,
        serializers.ChoiceField,
        serializers.IntegerField,
        serializers.FloatField,
        serializers.ListField,
    )

    def __init__(self, serializer_class: type[serializers.Serializer]):
        self.serializer_class = serializer_class

    @cached_property
    def _columns(self) -> list[tuple[str, str, Callable[[Any], Any] | None]]:
        columns = []
        for name, field in self.serializer_class().fields.items():
            if isinstance(field, serializers.DateTimeField) and _writes_iso_in_current_zone(field):
                represent = _datetime
            elif isinstance(field, self._AS_STORED) and not isinstance(field, serializers.DecimalField):
                represent = None
            else:
                represent = field.to_representation
            columns.append((name, field.source.replace(".", "__"), represent))
        return columns

    @property
    def lookups(self) -> list[str]:
        """The `.values()` lookups the rows need."""
        return list(dict.fromkeys(lookup for _name, lookup, _represent in self._columns))

    def represent(self, rows) -> list[dict[str, Any]]:
        """Each `.values()` row as the serializer would represent its instance."""
        tz = timezone.get_current_timezone()
        out = []
        for row in rows:
            item = {}
            for name, lookup, represent in self._columns:
                value = row[lookup]
                if value is None or represent is None:
                    item[name] = value
                elif represent is _datetime:
                    item[name] = _datetime(value, tz)
                else:
                    item[name] = represent(value)
            out.append(item)
        return out


def _writes_iso_in_current_zone(field: serializers.DateTimeField) -> bool:
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601 and not hasattr(field, "timezone")


def _datetime(value: datetime, tz) -> str:
    """An aware date-time as DRF's DateTimeField writes it under USE_TZ: in `tz`, ISO 8601, UTC as "Z"."""
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
