"""Strict serializer fields for public input."""

from django.conf import settings
from rest_framework import serializers

from surveys.locales import normalize_locale


class StrictIntegerField(serializers.IntegerField):
    """An integer given as a JSON number: "7", 7.5 and true are refused, not coerced."""

    default_error_messages = {"invalid": "Must be an integer (a JSON number without a fraction)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            if isinstance(data, float) and data.is_integer():
                data = int(data)
            else:
                self.fail("invalid")
        return super().to_internal_value(data)


class LocaleField(serializers.CharField):
    """A locale tag, normalised to en, zh-hans or zh-hant."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 35)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return ""
        locale = normalize_locale(value)
        if locale is None:
            supported = ", ".join(code for code, _ in settings.LANGUAGES)
            raise serializers.ValidationError(f"Unsupported locale '{value}'; use one of {supported}.")
        return locale
