"""A serializer whose fields are built once per class: a speed helper for the public answer path.

DRF deep-copies every declared field for each serializer instance so that an instance may change
its fields; on the public response path that copying cost more than the database insert. Its
equivalence with a plain serializer is tested in tests/common/test_lean_serializers.py.
"""

import copy

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from common.api.fields import StrictInputSerializer


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


class LeanStrictInputSerializer(LeanSerializer, StrictInputSerializer):
    """A lean serializer that names unknown keys as errors instead of dropping them."""
