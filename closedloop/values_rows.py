"""Rows of the case queue represented from `.values()` (ValuesRows): a speed helper for the case list API.

Its equivalence with CaseSerializer is tested in tests/closedloop/test_values_rows.py.
"""

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class ValuesRows:
    """A ModelSerializer's output built from `.values()` rows: the same keys and values, without model instances.

    Building a model instance per row (with its owner, team and root cause) and then DRF's
    per-field attribute lookup and representation took two thirds of a 100-row page of the case
    queue. This reads each readable field's source as one `.values()` lookup ("owner.username"
    becomes "owner__username", a LEFT JOIN) and represents it as the field would:

    - a date-time as DRF writes it under USE_TZ, in the current time zone, ISO 8601;
    - a value the database already gives as the field would write it (text, a stored choice, a
      whole number, a float, each only over a model field of that kind), as it is;
    - anything else (a decimal, a big integer, a list) through the field's own to_representation.

    The serializer is checked when first used: a source that is not a model field or a path
    through foreign keys, or a path whose field would not write null for a missing relation, is
    ImproperlyConfigured rather than a quietly different row.
    """

    def __init__(self, serializer_class: type[serializers.ModelSerializer]):
        self.serializer_class = serializer_class

    @cached_property
    def _columns(self) -> list[tuple[str, str, Callable[[Any], Any] | None]]:
        model = self.serializer_class.Meta.model
        columns = []
        for name, field in self.serializer_class().fields.items():
            if field.write_only:
                continue
            column = _model_field(model, field.source, self.serializer_class.__name__, name)
            if "." in field.source and field.default is not None:
                raise ImproperlyConfigured(
                    f"{self.serializer_class.__name__}.{name}: a field through a relation needs default=None."
                )
            if _writes_iso_in_current_zone(field):
                represent = _datetime
            elif isinstance(column, _AS_STORED.get(type(field).to_representation, ())):
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
        """Each `.values()` row as the serializer would represent its instance (None stays None, as in DRF)."""
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


# A DRF field's to_representation, and the model fields whose stored values it writes unchanged.
_AS_STORED = {
    serializers.CharField.to_representation: (models.CharField, models.TextField),
    serializers.ChoiceField.to_representation: (models.CharField,),
    serializers.IntegerField.to_representation: (models.IntegerField,),
    serializers.FloatField.to_representation: (models.FloatField,),
}


def _model_field(model, source: str, serializer: str, name: str) -> models.Field:
    """The model field a source reads, following foreign keys ("owner.username"); its target for a key's id."""
    field = None
    for part in source.split("."):
        if field is not None:
            if not (field.many_to_one or field.one_to_one):
                raise ImproperlyConfigured(f"{serializer}.{name}: '{source}' is not a path through foreign keys.")
            model = field.related_model
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"{serializer}.{name}: '{source}' is not a model field.") from None
    if field.is_relation and source.endswith("_id"):
        return field.target_field
    return field


def _writes_iso_in_current_zone(field: serializers.Field) -> bool:
    """Whether the field is DRF's own DateTimeField writing ISO 8601 in the current time zone."""
    if type(field).to_representation is not serializers.DateTimeField.to_representation or not settings.USE_TZ:
        return False
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601 and not hasattr(field, "timezone")


def _datetime(value: datetime, tz) -> str:
    """An aware date-time as DRF's DateTimeField writes it under USE_TZ: in `tz`, ISO 8601, UTC as "Z"."""
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
