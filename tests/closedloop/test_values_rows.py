"""ValuesRows writes, from `.values()` rows, exactly what the serializer writes from the instances."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import BigIntegerField
from rest_framework.renderers import JSONRenderer

from closedloop import selectors
from closedloop.api.serializers import CaseSerializer
from closedloop.models import Case, RootCause, Team
from closedloop.values_rows import ValuesRows
from tests.closedloop.factories import CaseFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def agent():
    return User.objects.create_user("li", "li@example.com", "pw-for-tests-only", is_staff=True)


def cases_of_every_kind(agent) -> None:
    team = Team.objects.create(name="華南 CX 團隊", group=Group.objects.create(name="south"))
    moment = timezone.now().replace(microsecond=123456)
    CaseFactory(
        status="resolved",
        priority=1,
        owner=agent,
        team=team,
        root_cause=RootCause.objects.get(key="pricing-billing"),
        comment="帳單一直錯，客服態度很差 😡 billing is wrong",
        language="mixed",
        polarity=-0.875,
        keywords=["帳單", "客服", "billing"],
        customer_value=Decimal("1234.50"),
        customer_plan="enterprise",
        customer_account="華南貿易",
        locale="zh-hant",
        escalated_at=moment,
        first_contact_at=moment,
        resolved_at=moment,
        customer_notified_at=moment,
    )
    CaseFactory(
        score=None,
        polarity=None,
        keywords=[],
        comment="",
        customer_email="",
        customer_id=None,
        survey_kind="ces",
        reason=Case.Reason.HIGH_EFFORT,
        locale="zh-hans",
        customer_name="退款两周没处理",
        due_at=timezone.now() - timedelta(days=400),
    )


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
