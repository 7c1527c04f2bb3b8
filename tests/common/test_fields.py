"""The kernel's strict JSON fields: the one integer, strings, booleans, locales and unknown keys."""

import pytest
from rest_framework import serializers

from common.api.fields import (
    LocaleField,
    StrictBooleanField,
    StrictCharField,
    StrictInputSerializer,
    StrictIntegerField,
)


@pytest.mark.parametrize("value", [7, 0, -3, 2**40])
def test_the_strict_integer_takes_json_integers(value):
    assert StrictIntegerField().run_validation(value) == value


@pytest.mark.parametrize("value", [10.0, -0.0, 7.5, "7", True, None, [7], {"n": 7}])
def test_the_strict_integer_refuses_every_other_json_value(value):
    field = StrictIntegerField(allow_null=False)
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation(value)
    assert refused.value.detail[0] in {
        "Must be an integer (a JSON number without a fraction).",
        "This field may not be null.",
    }


@pytest.mark.parametrize("value", [5, True, None, ["a"]])
def test_strict_strings_refuse_other_types(value):
    with pytest.raises(serializers.ValidationError):
        StrictCharField(allow_null=False).run_validation(value)


@pytest.mark.parametrize("value", ["true", 1, "yes", None])
def test_strict_booleans_refuse_anything_but_true_and_false(value):
    with pytest.raises(serializers.ValidationError):
        StrictBooleanField(allow_null=False).run_validation(value)


@pytest.mark.parametrize(("tag", "locale"), [("zh-CN", "zh-hans"), ("zh_TW", "zh-hant"), ("en-US", "en"), ("", "")])
def test_locales_are_normalised(tag, locale):
    assert LocaleField(allow_blank=True).run_validation(tag) == locale


def test_an_unsupported_locale_is_named():
    with pytest.raises(serializers.ValidationError) as refused:
        LocaleField().run_validation("fr-FR")
    assert "Unsupported locale 'fr-FR'" in str(refused.value.detail[0])


class Answer(StrictInputSerializer):
    score = StrictIntegerField()
    comment = StrictCharField(required=False)


def test_unknown_keys_are_named_beside_the_other_errors():
    serializer = Answer(data={"score": 9.0, "coment": "hi", "Extra": 1})
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["score", "Extra", "coment"]
    assert serializer.errors["coment"] == ["Unknown field."]


def test_a_body_that_is_not_an_object_is_refused_without_a_500():
    serializer = Answer(data=[1, 2])
    assert not serializer.is_valid()
    assert "non_field_errors" in serializer.errors
