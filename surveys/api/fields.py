"""Strict serializer fields and lean serializers for public input.

Public clients send JSON; a value of the wrong JSON type is refused with a message rather than
coerced (DRF turns 5 into "5" and "yes" into True), and a key we do not know is refused rather
than dropped, so that a misspelt "coment" cannot lose a customer's words silently. What every
app's API shares is in cxplatform.apifields; this adds what the public endpoints need.
"""

import copy
from collections.abc import Mapping

from django.conf import settings
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from cxplatform.apifields import StrictCharField, StrictStringMixin
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


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


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


class LeanSerializer(serializers.Serializer):
    """A serializer for hot paths: its fields are built and bound once per class, not per request.

    DRF deep-copies every declared field for each serializer instance so that an instance may
    change its fields; on the public response path that copying costs more than the database
    insert. Use this only for serializers whose fields are plain and keep no per-request state
    (no context, no dynamic field changes, no ModelSerializer): then sharing them is safe.
    """

    _prebuilt_fields = None

    @property
    def fields(self):
        cls = type(self)
        prebuilt = cls.__dict__.get("_prebuilt_fields")
        if prebuilt is None:
            prebuilt = BindingDict(cls())
            for name, field in copy.deepcopy(cls._declared_fields).items():
                prebuilt[name] = field
            cls._prebuilt_fields = prebuilt
        return prebuilt


class StrictInputSerializer(LeanSerializer):
    """A lean serializer that names unknown keys as errors instead of dropping them."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        unknown_errors = {str(key): ["Unknown field."] for key in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown_errors and isinstance(exc.detail, dict):
                exc.detail.update(unknown_errors)
            raise
        if unknown_errors:
            raise serializers.ValidationError(unknown_errors)
        return value
