"""Strict fields for JSON bodies: a value of the wrong JSON type is refused with a message, never coerced.

DRF turns 5 into "5", "yes" into True and 7.0 into 7; a public API that does so hides a client's
mistake until it shows up in a report. A key we do not know is refused rather than dropped, so
that a misspelt "coment" cannot lose a customer's words silently.
"""

from collections.abc import Mapping

from django.conf import settings
from rest_framework import serializers
from rest_framework.settings import api_settings

from common.locales import normalize_locale
from common.text import bidi_controls_refused, bidi_controls_removed


class StrictStringMixin:
    """Refuse anything but a JSON string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.", code="invalid")
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictStringMixin, serializers.CharField):
    """A string; ids, names and staff's texts refuse text-direction controls (common.text)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(bidi_controls_refused)


class CommentField(StrictStringMixin, serializers.CharField):
    """A customer's comment: a string whose text-direction controls are removed, its words kept (common.text)."""

    def to_internal_value(self, data):
        return bidi_controls_removed(super().to_internal_value(data))


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """true or false as JSON booleans; "yes", 1 and "true" are refused."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError("Must be true or false.", code="invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """An integer given as a JSON number without a fraction: "7", 7.5, 7.0, 1e1 and true are refused."""

    default_error_messages = {"invalid": "Must be an integer (a JSON number without a fraction)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class LocaleField(StrictCharField):
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


class StrictInputSerializer(serializers.Serializer):
    """Names unknown keys as errors ("Unknown field.") instead of dropping them."""

    def to_internal_value(self, data):
        unknown = (
            {str(key): ["Unknown field."] for key in sorted(data, key=str) if key not in self.fields}
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
