"""Every row lock the closed loop takes, and the one order in which the apps take them.

The order, the same for every transaction in every app (docs/architecture.md):

1. surveys' rows: the customer, then invitations, then responses;
2. feedback items, in id order;
3. closedloop teams, in id order (round-robin assignment moves a team's `last_assigned`);
4. closedloop cases, customer by customer in customer-id order (cases without a customer last),
   each customer's cases in id order, and a case's answers and log entries after the case;
5. closedloop advocates, in customer-id order (one advocate per customer).

A transaction takes what it needs of a level only after what it needs of the levels above,
and never goes back up: whoever holds a case never then waits for a team. Two transactions
can then never wait for each other in a circle (PostgreSQL's "deadlock detected").

Waits that are not row locks follow the order too. Inserting a case waits, until it ends, for
another transaction that inserted an open case of the same customer (one open case each), so
a batch of answers opens its cases customer by customer, after locking its teams and the cases
it may change. A bulk UPDATE locks the rows it changes in whatever order it meets them, so an
UPDATE of several cases or advocates that may run beside ordered locks (the SLA sweep,
forgetting customers, purging comments, opting out) locks them here first.

Each function says what its caller may already hold. They need a transaction. On SQLite,
which locks the whole database for each writing transaction, they are plain reads.
"""

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from closedloop.models import Advocate, Case, Team

# --- Teams (level 3) -----------------------------------------------------------------------------


def teams(team_ids: Iterable[int]) -> dict[int, Team]:
    """Lock these teams, in id order; return them by id, as locked (their `last_assigned` current).

    May already hold: surveys' rows and feedback items; no team, case or advocate (a team
    locked after a case is the deadlock this module exists to prevent).
    """
    ids = sorted(set(team_ids))
    if not ids:
        return {}
    return {team.pk: team for team in Team.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


# --- Cases (level 4) -----------------------------------------------------------------------------

CASE_ORDER = (F("customer_id").asc(nulls_last=True), "id")  # cases without a customer last


def cases_answers_may_change(*, customer_ids: Iterable[int], source_ids: Iterable[int]) -> list[int]:
    """Lock, in the case order, every case a batch of answers may change; return their ids.

    Those are the open cases of the answers' customers (an answer attaches to one), their cases
    awaiting a re-survey's answer (the answer is its recovery score), and the cases opened by
    answers seen before (a re-analysis refreshes them). The batch's new cases are locked as
    they are inserted, customer by customer.

    May already hold: surveys' rows, feedback items, and the teams the batch assigns to
    (`teams`, taken first); no case or advocate.
    """
    customers, sources = sorted(set(customer_ids)), sorted(set(source_ids))
    if not (customers or sources):
        return []
    awaiting_recovery = Q(resurvey_sent_at__isnull=False, recovery_score__isnull=True)
    touched = Q(customer_id__any_of=customers) & (Q(status__in=Case.OPEN_STATUSES) | awaiting_recovery)
    touched |= Q(source_id__any_of=sources)
    return list(Case.objects.select_for_update().filter(touched).order_by(*CASE_ORDER).values_list("id", flat=True))


def open_case_of_customer(customer_id: int) -> Case | None:
    """Lock and return the customer's open case (there is at most one), or None.

    May already hold: the teams of the batch, and cases of customers before this one in the
    case order (or this customer's own); nothing after it, and no advocate.
    """
    return Case.objects.select_for_update().filter(customer_id=customer_id, status__in=Case.OPEN_STATUSES).first()


def cases_awaiting_recovery(*, customer_id: int, survey_id: int | None, answered_at) -> QuerySet[Case]:
    """The customer's cases whose re-survey of this survey went out by `answered_at`, unanswered; locked in id order.

    May already hold: as `open_case_of_customer`.
    """
    return (
        Case.objects.select_for_update()
        .filter(
            customer_id=customer_id,
            survey_id=survey_id,
            resurvey_sent_at__isnull=False,
            resurvey_sent_at__lte=answered_at,
            recovery_score__isnull=True,
        )
        .order_by("id")
    )


def case(case_id: int) -> Case:
    """Lock and return one case (Case.DoesNotExist when there is none), to change it.

    May already hold: surveys' rows, feedback items, teams, and cases before this one in the
    case order (a bulk assignment goes through its cases in that order); no advocate.
    """
    return Case.objects.select_for_update().get(pk=case_id)


def case_to_escalate(case_id: int) -> Case | None:
    """Lock and return the case, with its team and lead (not locked), if it is open and not escalated yet.

    May already hold: as `case`.
    """
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("team__lead")
        .filter(pk=case_id, escalated_at__isnull=True, status__in=Case.OPEN_STATUSES)
        .first()
    )


def cases_in_order(cases: QuerySet[Case]) -> list[int]:
    """Lock these cases in the case order, before an UPDATE changes them all; return their ids.

    May already hold: surveys' rows, feedback items and teams; no case or advocate.
    """
    return list(cases.select_for_update(of=("self",)).order_by(*CASE_ORDER).values_list("id", flat=True))


def account_risk_cases(account_ids: Iterable[int]) -> dict[tuple[str, int], Case]:
    """Lock and return the at-risk cases of these accounts, by (reason, account id), in id order.

    They have no customer: they come last in the case order. May already hold: surveys' rows,
    feedback items, teams, and cases of customers (a batch of answers opens a detractor's case
    first); no advocate.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    found = Case.objects.select_for_update().filter(source__in=Case.RISK_REASONS, source_id__any_of=ids).order_by("id")
    return {(case.source, case.source_id): case for case in found}


def case_sort_key(customer_id: int | None, case_id: int = 0) -> tuple:
    """Where a case (or a customer's cases) comes in the case order, for work done in Python."""
    return (customer_id is None, customer_id or 0, case_id)


# --- Advocates (level 5) -------------------------------------------------------------------------


def advocates_of_customers(customer_ids: Iterable[int]) -> list[Advocate]:
    """Lock and return these customers' advocates, in customer order.

    May already hold: anything of the levels above (the batch's cases, say); no advocate.
    """
    ids = sorted(set(customer_ids))
    return list(Advocate.objects.select_for_update().filter(customer_id__any_of=ids).order_by("customer_id"))


def advocate_of_customer(customer_id: int) -> Advocate:
    """Lock and return the customer's advocate (Advocate.DoesNotExist when there is none).

    May already hold: the levels above, and advocates of customers before this one.
    """
    return Advocate.objects.select_for_update().get(customer_id=customer_id)


def advocates(advocate_ids: Iterable[int]) -> list[Advocate]:
    """Lock and return these advocates, in customer order.

    May already hold: the levels above; no advocate.
    """
    ids = sorted(set(advocate_ids))
    return list(Advocate.objects.select_for_update().filter(pk__any_of=ids).order_by("customer_id"))


def advocates_in_order(advocates: QuerySet[Advocate]) -> list[int]:
    """Lock these advocates in customer order, before an UPDATE changes them all; return their ids.

    May already hold: the levels above; no advocate.
    """
    return list(advocates.select_for_update(of=("self",)).order_by("customer_id").values_list("id", flat=True))
