"""Input fields of the Delighted-compatible API."""

from rest_framework import serializers

from delighted_api import wire


class PropertiesField(serializers.Field):
    """A flat object of properties with string, number, boolean or null values."""

    def to_internal_value(self, data):
        errors = wire.properties_errors(data)
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)

    def to_representation(self, value):
        return value


class PersonIdField(serializers.Field):
    """A person's id, as Delighted gives it (a string of digits) or as a number."""

    default_error_messages = {"invalid": "Must be a person id (a string of digits)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        text = str(data)
        if not (text.isascii() and text.isdigit() and 0 < len(text) <= 18):
            self.fail("invalid")
        return int(text)

    def to_representation(self, value):
        return str(value)


class Unsupported(serializers.Field):
    """A parameter of Delighted's that the platform does not offer: refused with `message`."""

    def __init__(self, message: str, **kwargs):
        self.message = message
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data):
        raise serializers.ValidationError(self.message)


class Ignored(serializers.Field):
    """A read-only attribute a client sends back with a resource it saves: taken and left alone."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        return data
