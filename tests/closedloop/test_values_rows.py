"""ValuesRows writes, from `.values()` rows, exactly what the serializer writes from the instances."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.fields import BigIntegerField
from rest_framework.renderers import JSONRenderer

from closedloop import selectors
from closedloop.api.serializers import CaseSerializer
from closedloop.models import Case
from closedloop.values_rows import ValuesRows
from tests.closedloop.factories import CaseFactory, cases_of_every_kind

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def agent():
    return User.objects.create_user("li", "li@example.com", "pw-for-tests-only", is_staff=True)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/Sao_Paulo"])
def test_each_row_is_what_the_case_serializer_makes_of_the_case(agent, settings, zone):
    settings.TIME_ZONE = zone
    cases_of_every_kind(agent)
    output = ValuesRows(CaseSerializer)

    rows = output.represent(selectors.case_list().values(*output.lookups))

    plain = CaseSerializer(selectors.case_list(), many=True).data
    assert rows == [dict(item) for item in plain]
    assert JSONRenderer().render(rows) == JSONRenderer().render(plain)
    assert json.loads(JSONRenderer().render(rows))[0]["customer_value"] == "1234.50"


def test_rows_from_values_write_what_drf_would_or_refuse_the_serializer(agent):
    """ValuesRows passes a stored value through only where DRF's field would write it unchanged."""

    class Coerced(CaseSerializer):
        big = BigIntegerField(source="customer_id", read_only=True, coerce_to_string=True)

        class Meta(CaseSerializer.Meta):
            fields = ("id", "customer_id", "big", "owner_username", "team")

    case = CaseFactory(owner=agent, customer_id=2**53 + 1)
    rows = ValuesRows(Coerced)
    (row,) = rows.represent(Case.objects.filter(pk=case.pk).values(*rows.lookups))
    assert row == dict(Coerced(case).data)
    assert (row["big"], row["customer_id"], row["owner_username"], row["team"]) == (
        str(2**53 + 1),
        2**53 + 1,
        "li",
        None,
    )

    class Computed(CaseSerializer):
        shouting = serializers.SerializerMethodField()

        class Meta(CaseSerializer.Meta):
            fields = ("id", "shouting")

    class NoDefault(CaseSerializer):
        owner_email = serializers.CharField(source="owner.email", read_only=True)

        class Meta(CaseSerializer.Meta):
            fields = ("id", "owner_email")

    for serializer in (Computed, NoDefault):
        with pytest.raises(ImproperlyConfigured):
            list(ValuesRows(serializer).lookups)
