"""closedloop.selectors.loop_kpis: first contact and resolution times, SLA compliance, recovery, root causes, age."""

from datetime import timedelta

import pytest
from django.utils import timezone

from closedloop import selectors
from closedloop.models import Case, RootCause
from tests.closedloop.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_loop_kpis_count_what_happened_in_the_period():
    now = timezone.now()
    cause = RootCause.objects.get(key="data-sync")
    opened = now - timedelta(days=10)

    def case(**fields):
        return CaseFactory(opened_at=opened, due_at=opened + timedelta(hours=48), **fields)

    # contacted after 2, 4, 6 and 20 hours; two resolved on time, one late; one re-surveyed better, one worse
    case(first_contact_at=opened + timedelta(hours=2), status="resolved", resolved_at=opened + timedelta(hours=24),
         root_cause=cause, score=3, recovery_score=9)  # fmt: skip
    case(first_contact_at=opened + timedelta(hours=4), status="closed", resolved_at=opened + timedelta(hours=40),
         root_cause=cause, score=5, recovery_score=4)  # fmt: skip
    case(first_contact_at=opened + timedelta(hours=6), status="resolved", resolved_at=opened + timedelta(hours=72))
    case(first_contact_at=opened + timedelta(hours=20), status="contacted")
    CaseFactory(status="new", opened_at=now - timedelta(hours=5), due_at=now + timedelta(hours=19))
    CaseFactory(status="assigned", opened_at=now - timedelta(days=40), due_at=now - timedelta(days=35))

    kpis = selectors.loop_kpis(since=now - timedelta(days=30), until=now + timedelta(seconds=1), now=now)

    assert kpis.opened == 5
    assert kpis.first_contact.n == 4
    assert kpis.first_contact.median == timedelta(hours=5)
    assert kpis.first_contact.p90 == timedelta(hours=15.8)  # 6 + 0.7 × (20 − 6)
    assert (kpis.resolved, kpis.resolved_on_time) == (3, 2)
    assert kpis.sla_compliance == pytest.approx(200 / 3)
    assert kpis.resolution.median == timedelta(hours=40)
    assert (kpis.resurveyed, kpis.recovered, kpis.recovery_change) == (2, 1, pytest.approx((6 + -1) / 2))
    assert kpis.root_causes == [("data-sync", "Data sync / integration", "数据同步 / 集成", 2)]
    assert (kpis.open_now, kpis.overdue_now) == (3, 2)  # the contacted case is past due too
    assert kpis.open_by_age == {
        "under_1_day": 1, "1_to_3_days": 0, "3_to_7_days": 0, "7_to_30_days": 1, "over_30_days": 1,
    }  # fmt: skip


def test_the_loop_kpis_narrow_to_touchpoints():
    CaseFactory(touchpoint_key="onboarding")
    CaseFactory(touchpoint_key="billing")
    now = timezone.now()
    kpis = selectors.loop_kpis(
        since=now - timedelta(days=1), until=now + timedelta(days=1), touchpoint_keys=["onboarding"]
    )
    assert kpis.opened == 1
    assert kpis.first_contact.median is None


def test_the_queue_read_tier_by_tier_is_the_queue_in_its_default_order():
    now = timezone.now()
    statuses = (Case.Status.NEW, Case.Status.ASSIGNED, Case.Status.CONTACTED, Case.Status.RESOLVED, Case.Status.CLOSED)
    for i in range(23):
        CaseFactory(priority=1 + i % 4, status=statuses[i % 5], due_at=now + timedelta(hours=(i * 7) % 23 - 11))
    cases = Case.objects.all()
    ordered = list(cases.order_by(*selectors.queue_order(now)))

    assert selectors.queue_ordered_at(cases.order_by(*selectors.queue_order(now))) == now
    assert selectors.queue_ordered_at(cases.order_by("priority")) is None
    for start in range(0, 25):
        for stop in (start, start + 1, start + 4, start + 10, 30):
            if stop >= start:
                assert selectors.queue_slice(cases, now, start, stop) == ordered[start:stop], (start, stop)
    open_only = cases.filter(status__in=Case.OPEN_STATUSES)
    assert selectors.queue_slice(open_only, now, 3, 9) == list(open_only.order_by(*selectors.queue_order(now)))[3:9]


def test_every_page_of_the_queue_is_its_slice_of_the_default_order(client, user_with_role, monkeypatch):
    from closedloop.admin.cases import CaseAdmin

    client.force_login(user_with_role("CX staff", "li"))
    now = timezone.now()
    for i in range(17):
        CaseFactory(priority=1 + i % 4, status=("new", "resolved")[i % 2], due_at=now + timedelta(hours=i % 5 - 2))
    monkeypatch.setattr(CaseAdmin, "list_per_page", 4)
    expected = list(Case.objects.order_by(*selectors.queue_order()))

    pages = [client.get("/admin/closedloop/case/", {"status__exact": "all", "p": p}) for p in range(1, 6)]

    assert [case for page in pages for case in page.context["cl"].result_list] == expected
