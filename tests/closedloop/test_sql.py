"""closedloop's PostgreSQL fast paths (closedloop.sql) against their portable twins, on the same rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from closedloop import exports, selectors
from closedloop.models import Advocate, Case
from tests.closedloop.factories import AdvocateFactory, CaseFactory
from tests.sql_paths import same_on_each_path

pytestmark = pytest.mark.django_db


def test_distinct_values_are_the_same_on_both_paths():
    for key in ("checkout", "billing", "退款", "billing", "Zeta", ""):
        CaseFactory(touchpoint_key=key)
    AdvocateFactory(customer_plan="pro")
    AdvocateFactory(customer_plan="")
    AdvocateFactory(customer_plan="企业版")

    keys = same_on_each_path(lambda: selectors.distinct_values(Case, "touchpoint_key"))
    plans = same_on_each_path(lambda: selectors.distinct_values(Advocate, "customer_plan"))

    assert set(keys) == {"", "billing", "checkout", "退款", "Zeta"}
    assert len(keys) == 5
    assert set(plans) == {"", "pro", "企业版"}


def test_the_loop_kpis_durations_are_the_same_on_both_paths():
    now = timezone.now().replace(microsecond=0)
    opened = now - timedelta(days=3)
    for hours, resolved in ((2, 24), (4, 40), (6, None), (7.5, 71), (20, None)):
        CaseFactory(
            opened_at=opened,
            first_contact_at=opened + timedelta(hours=hours),
            status="resolved" if resolved else "contacted",
            resolved_at=opened + timedelta(hours=resolved) if resolved else None,
        )
    CaseFactory(opened_at=opened)  # never contacted

    def kpis():
        found = selectors.loop_kpis(since=now - timedelta(days=30), until=now + timedelta(seconds=1), now=now)
        return found.first_contact, found.resolution

    first_contact, resolution = same_on_each_path(kpis)
    assert first_contact.n == 5
    assert first_contact.median == timedelta(hours=6)
    assert first_contact.p90 == timedelta(hours=15)  # 7.5 + 0.6 × (20 − 7.5)
    assert resolution.n == 3
    assert resolution.median == timedelta(hours=40)


def test_the_csv_export_writes_the_same_bytes_on_both_paths():
    AdvocateFactory(customer_name="=HYPERLINK(1)", last_comment='引号 "quoted", comma\nnew line')
    AdvocateFactory(customer_name="王小明", last_comment="", customer_plan="+pro")

    def export():
        return b"".join(exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={}))

    text = same_on_each_path(export).decode()
    assert "'=HYPERLINK(1)" in text
    assert "王小明" in text
