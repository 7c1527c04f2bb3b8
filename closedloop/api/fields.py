"""Strict input for the closed loop's API: a wrong JSON type or an unknown key is named, never coerced or dropped."""

from collections.abc import Mapping

from rest_framework import serializers
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
