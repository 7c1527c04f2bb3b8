"""The closed loop's row locks: all in closedloop/locks.py, each documented, taken in the one order.

The PostgreSQL test is the deadlock two analysis workers met when they opened cases for one
team at once: the team's row, locked for round-robin assignment after a case was inserted,
against a case inserted (or locked) before the team. Taken in the one order, team then cases,
the second worker waits for the first instead.
"""

import inspect
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from closedloop import locks, services
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Case, CaseTrigger, Team, TeamTouchpoint
from tests.closedloop.factories import AdvocateFactory, CaseFactory

User = get_user_model()
APP = Path(locks.__file__).parent


def test_every_row_lock_of_the_app_is_taken_in_locks_py():
    """select_for_update appears nowhere else in closedloop/."""
    elsewhere = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "locks.py" and "migrations" not in path.parts and "select_for_update" in path.read_text()
    ]
    assert elsewhere == []


def test_the_module_writes_down_the_order_and_each_lock_what_must_already_be_held():
    order = inspect.getdoc(locks)
    assert order.index("surveys' rows") < order.index("feedback items") < order.index("closedloop teams")
    assert order.index("closedloop teams") < order.index("closedloop cases") < order.index("closedloop advocates")
    taking = [
        name
        for name, function in inspect.getmembers(locks, inspect.isfunction)
        if function.__module__ == locks.__name__ and "select_for_update" in inspect.getsource(function)
    ]
    assert len(taking) >= 8
    assert [name for name in taking if "May already hold" not in inspect.getdoc(getattr(locks, name))] == []


@pytest.mark.django_db
def test_cases_are_taken_customer_by_customer_then_by_id_those_without_a_customer_last():
    made = [CaseFactory(customer_id=customer) for customer in (30, None, 10, 20)]
    made.append(CaseFactory(customer_id=10, status=Case.Status.CLOSED))
    with transaction.atomic():
        ids = locks.cases_in_order(Case.objects.all())
    assert ids == [made[2].pk, made[4].pk, made[3].pk, made[0].pk, made[1].pk]
    assert ids == [pk for _key, pk in sorted((locks.case_sort_key(c.customer_id, c.pk), c.pk) for c in made)]


@pytest.mark.django_db
def test_a_batch_locks_its_customers_open_cases_and_the_cases_its_answers_opened():
    open_case = CaseFactory(customer_id=1)
    closed = CaseFactory(customer_id=1, status=Case.Status.CLOSED)
    reanalysed = CaseFactory(customer_id=2, status=Case.Status.CLOSED)
    awaiting = CaseFactory(customer_id=3, status=Case.Status.RESOLVED, resurvey_sent_at=timezone.now())
    CaseFactory(customer_id=4)  # another customer's

    with transaction.atomic():
        ids = locks.cases_answers_may_change(customer_ids=[3, 1], source_ids=[reanalysed.source_id])

    assert ids == [open_case.pk, reanalysed.pk, awaiting.pk]
    assert closed.pk not in ids


@pytest.mark.django_db
def test_advocates_are_taken_in_customer_order():
    late, early = AdvocateFactory(customer_id=900), AdvocateFactory(customer_id=100)
    with transaction.atomic():
        assert [a.pk for a in locks.advocates([late.pk, early.pk])] == [early.pk, late.pk]
        assert [a.pk for a in locks.advocates_of_customers([900, 100])] == [early.pk, late.pk]


# --- Two analysis workers at once (PostgreSQL) ----------------------------------------------------

ROUNDS = 4  # each round: two batches at once; the old lock order deadlocked in the first
OWN = 4  # customers in one batch only: a new case each
SHARED = 4  # customers in both batches: the first answer handled opens their case, the other joins it
OPEN = 3  # customers in both batches whose case is already open: both answers join it


def detractor(customer_id: int, source_id: int) -> AnalysedFeedback:
    return AnalysedFeedback(
        feedback_id=source_id,
        source="response",
        source_id=source_id,
        text="Billing charged me twice and support never answered",
        given_at=timezone.now() - timedelta(minutes=1),
        survey_id=None,
        survey_kind="nps",
        score=2,
        classification="detractor",
        touchpoint_id=None,
        touchpoint_key="billing",
        customer_id=customer_id,
        customer_external_id=f"cust-{customer_id}",
        consent_to_contact=False,
        locale="en",
        language="en",
        polarity=-0.6,
        label="neg",
        keywords=("billing", "support"),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_cases_for_one_team_at_once_do_not_deadlock():
    """Each batch meets first what the other meets last, as two workers' batches may.

    In the old order each worker inserted (or locked) a case, then waited for the team row the
    other held for its round robin, while the other waited for that case: "deadlock detected
    ... while locking tuple in relation closedloop_team" (closedloop_case when the other was
    joining an open case). Now each takes the team first, and the second waits for the first.
    """
    group = Group.objects.create(name="Billing CX")
    team = Team.objects.create(name="Billing", group=group)
    TeamTouchpoint.objects.create(team=team, touchpoint_key="billing")
    members = [User.objects.create_user(name, is_staff=True) for name in ("ana", "bo")]
    for member in members:
        member.groups.add(group)

    errors: list[Exception] = []
    source_ids = iter(range(1, 1_000_000))
    for round_ in range(ROUNDS):
        base = 1000 * (round_ + 1)
        own_first, own_second = range(base, base + OWN), range(base + 100, base + 100 + OWN)
        shared, already_open = range(base + 200, base + 200 + SHARED), range(base + 300, base + 300 + OPEN)
        with transaction.atomic():
            services.feedback_analysed(items=[detractor(c, next(source_ids)) for c in already_open])
        first = [detractor(c, next(source_ids)) for c in [*own_first, *shared, *already_open]]
        second = [detractor(c, next(source_ids)) for c in [*reversed(already_open), *reversed(shared), *own_second]]
        barrier = threading.Barrier(2)

        def analyse(batch, barrier=barrier):
            try:
                barrier.wait(timeout=30)
                with transaction.atomic():  # as feedback hands a batch over: in one transaction
                    services.feedback_analysed(items=batch)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        workers = [threading.Thread(target=analyse, args=(batch,)) for batch in (first, second)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert not any(worker.is_alive() for worker in workers)
        assert errors == [], f"round {round_ + 1}: {errors}"

    cases = Case.objects.all()
    assert cases.count() == ROUNDS * (2 * OWN + SHARED + OPEN)
    assert CaseTrigger.objects.count() == ROUNDS * (2 * OWN + 2 * SHARED + 3 * OPEN)  # each answer on one case
    assert set(cases.values_list("team_id", flat=True)) == {team.pk}
    answers = {case.customer_id: case.triggers.count() for case in cases}
    assert sorted(answers.values()) == sorted([1] * 2 * OWN * ROUNDS + [2] * SHARED * ROUNDS + [3] * OPEN * ROUNDS)
    assert all(answers[1000 * (r + 1) + 300 + n] == 3 for r in range(ROUNDS) for n in range(OPEN))
    owners = [cases.filter(owner=member).count() for member in members]
    assert sum(owners) == cases.count()
    assert abs(owners[0] - owners[1]) <= 1  # round robin, one turn after another
