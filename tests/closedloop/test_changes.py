"""case_change, concept by concept: each refusal's field and message, the first refusal wins, what is logged."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from closedloop import services
from closedloop.models import Case, RootCause
from closedloop.services import CaseChange, CaseChangeRefused
from tests.closedloop.factories import CaseFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
TOLD = timezone.now().replace(year=2026, month=3, day=4, hour=5, minute=6)


def refusal(case: Case, change: CaseChange) -> dict[str, list[str]]:
    with pytest.raises(CaseChangeRefused) as refused:
        services.case_change(case_id=case.pk, actor=None, change=change)
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("start", "change", "field", "message"),
    [
        ({}, CaseChange(owner_id=987654), "owner", "No active member of staff has this id."),
        ({}, CaseChange(priority=0), "priority", "Priority must be 1, 2, 3 or 4."),
        ({}, CaseChange(root_cause_id=987654), "root_cause", "Unknown or inactive root cause."),
        ({}, CaseChange(status="open"), "status", "Unknown status 'open'."),
        ({}, CaseChange(status="closed"), "status", "Only a resolved case can be closed; resolve it first."),
        (
            {},
            CaseChange(notify_customer=True),
            "notify_customer",
            "The customer can be told only about a resolved case.",
        ),
        (
            {"status": "resolved", "customer_email": ""},
            CaseChange(notify_customer=True),
            "notify_customer",
            "This customer has no email address.",
        ),
        (
            {"status": "resolved", "customer_notified_at": TOLD},
            CaseChange(notify_customer=True),
            "notify_customer",
            f"The customer was already told on {TOLD:%Y-%m-%d %H:%M %Z}.",
        ),
        (
            {},
            CaseChange(resurvey_in_days=7),
            "resurvey_in_days",
            "Only a resolved case's customer can be surveyed again.",
        ),
        ({"status": "resolved"}, CaseChange(resurvey_in_days=366), "resurvey_in_days", "Between 1 and 365 days."),
    ],
)
def test_each_refusal_names_its_field_and_says_why_and_changes_nothing(start, change, field, message):
    case = CaseFactory(**start)
    before = Case.objects.filter(pk=case.pk).values().get()

    assert refusal(case, change) == {field: [message]}
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert not case.activities.exists()


def test_an_inactive_root_cause_and_a_reopening_beside_an_open_case_are_refused():
    inactive = RootCause.objects.create(key="gone", name_en="Gone", active=False)
    assert refusal(CaseFactory(), CaseChange(root_cause_id=inactive.pk)) == {
        "root_cause": ["Unknown or inactive root cause."]
    }
    closed = CaseFactory(customer_id=7, status=Case.Status.CLOSED)
    other = CaseFactory(customer_id=7)
    owner = User.objects.create_user("li", is_staff=True)
    assert refusal(closed, CaseChange(status="assigned", owner_id=owner.pk)) == {
        "status": [f"Case #{other.pk} of this customer is open; work that one."]
    }


def test_the_first_refusal_in_the_order_of_the_concepts_wins():
    case = CaseFactory()
    assert set(refusal(case, CaseChange(owner_id=987654, priority=0, status="open"))) == {"owner"}
    assert set(refusal(case, CaseChange(priority=0, status="open", resurvey_in_days=0))) == {"priority"}
    assert set(refusal(case, CaseChange(status="closed", notify_customer=True))) == {"status"}


def test_a_later_check_sees_the_earlier_changes_and_each_change_is_logged():
    agent = User.objects.create_user("li", is_staff=True)
    cause = RootCause.objects.get(key="data-sync")
    case = CaseFactory(opened_at=timezone.now() - timedelta(hours=1))

    services.case_change(case_id=case.pk, actor=agent, change=CaseChange(owner_id=agent.pk, priority=1))
    case.refresh_from_db()
    assert (case.status, case.priority) == ("assigned", 1)  # a new owner makes a new case assigned
    services.case_change(
        case_id=case.pk,
        actor=agent,
        change=CaseChange(status="resolved", root_cause_id=cause.pk, resolution="Resynced.", resurvey_in_days=3),
    )
    services.case_change(case_id=case.pk, actor=agent, change=CaseChange(status="assigned"))

    case.refresh_from_db()
    messages = list(case.activities.order_by("id").values_list("kind", "message"))
    assert (case.resolved_at, case.sla) == (None, "on_track")  # back to work
    assert messages == [
        ("assigned", "Assigned to li."),
        ("priority", f"Priority P2 → P1, due {case.due_at:%Y-%m-%d %H:%M}."),
        ("status", "New → Assigned."),
        ("root_cause", f"Root cause: {cause.name_en}."),
        ("edited", "Resolution updated."),
        ("status", "Assigned → Resolved."),
        ("edited", "Re-survey in 3 days."),
        ("status", "Reopened: Resolved → Assigned."),
    ]
