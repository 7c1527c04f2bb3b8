"""What the account's people told us, as numbers a scorecard can use: the experience signals (read only).

Each is computed over the window `(as_of - CX_EXPERIENCE_DAYS, as_of]` and keyed by the account's id:
`nps`, `csat`, `ces` (answers, attributed to the account the customer belonged to when answering),
`promoters` (promoter answers), `negative_comment_share` (the analysed comments that read negative, a staff
correction winning), and, as of now, `open_cases`, `overdue_cases`, `p1_open_cases` (the cases answers
opened; the account's own at-risk cases are left out, so that a risk does not feed itself; zero only for an
account whose people answered in the window).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Avg, Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from accounts.models import Account
from accounts.signal_rows import DERIVED_KEYS
from closedloop.models import Case as FollowUp
from closedloop.models import Priority
from feedback.models import FeedbackItem
from surveys.models import Response, Survey

EXPERIENCE_KEYS = DERIVED_KEYS
# Cases that answers open; an account's at-risk cases are the risk itself, not evidence of it.
_ANSWER_REASONS = ("detractor", "high_effort", "dissatisfied", "negative_passive")


def experience_values(account_ids: Iterable[int] | None, *, as_of: date) -> dict[int, dict[str, float]]:
    """The experience signals of the accounts (all when None) on `as_of`; a signal without data is absent."""
    accounts = Account.objects.all() if account_ids is None else Account.objects.filter(pk__in=list(account_ids))
    id_of = dict(accounts.values_list("external_id", "pk"))
    if not id_of:
        return {}
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    start = end - timedelta(days=settings.CX_EXPERIENCE_DAYS)
    values: dict[int, dict[str, float]] = defaultdict(dict)
    scoped = None if account_ids is None else list(id_of)
    _answers(values, id_of, scoped, start, end)
    _comments(values, id_of, scoped, start, end)
    heard = set(values)  # the accounts whose people answered in the window
    _cases(values, id_of, scoped, heard=heard, now=min(end, timezone.now()))
    return dict(values)


def _answers(values, id_of, scoped, start, end) -> None:
    answers = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(account="")
    if scoped is not None:
        answers = answers.filter(account__in=scoped)
    one = Value(1, output_field=IntegerField())
    zero = Value(0, output_field=IntegerField())
    rows = answers.values("account", "survey__kind").annotate(
        n=Count("id"),
        promoters=Sum(Case(When(classification="promoter", then=one), default=zero)),
        detractors=Sum(Case(When(classification="detractor", then=one), default=zero)),
        satisfied=Sum(Case(When(classification="satisfied", then=one), default=zero)),
        mean=Avg("score"),
    )
    for row in rows:
        account_id = id_of.get(row["account"])
        if account_id is None or not row["n"]:
            continue
        kind, n = row["survey__kind"], row["n"]
        if kind == Survey.Kind.NPS:
            values[account_id]["nps"] = round(100 * (row["promoters"] - row["detractors"]) / n, 2)
            values[account_id]["promoters"] = float(row["promoters"])
        elif kind == Survey.Kind.CSAT:
            values[account_id]["csat"] = round(100 * row["satisfied"] / n, 2)
        elif kind == Survey.Kind.CES:
            values[account_id]["ces"] = round(float(row["mean"]), 3)


def _comments(values, id_of, scoped, start, end) -> None:
    items = FeedbackItem.objects.filter(
        given_at__gte=start, given_at__lt=end, status=FeedbackItem.Status.ANALYSED
    ).exclude(Q(text="") | Q(customer_account=""))
    if scoped is not None:
        items = items.filter(customer_account__in=scoped)
    negative = FeedbackItem.Label.NEGATIVE
    rows = items.values("customer_account").annotate(
        n=Count("id"),
        negative=Count("id", filter=Q(corrected_label=negative) | Q(corrected_label="", label=negative)),
    )
    for row in rows:
        account_id = id_of.get(row["customer_account"])
        if account_id is not None and row["n"]:
            values[account_id]["negative_comment_share"] = round(row["negative"] / row["n"], 4)


def _cases(values, id_of, scoped, *, heard: set[int], now: datetime) -> None:
    cases = FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES, reason__in=_ANSWER_REASONS).exclude(
        customer_account=""
    )
    if scoped is not None:
        cases = cases.filter(customer_account__in=scoped)
    rows = cases.values("customer_account").annotate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        p1=Count("id", filter=Q(priority=Priority.P1)),
    )
    counted = set()
    for row in rows:
        account_id = id_of.get(row["customer_account"])
        if account_id is not None:
            counted.add(account_id)
            values[account_id].update(
                open_cases=float(row["open"]), overdue_cases=float(row["overdue"]), p1_open_cases=float(row["p1"])
            )
    # No open case is a value too, zero, for an account whose people we heard from; an account we know nothing
    # about has no case signals at all, so that it is not scored on "nothing open" alone.
    for account_id in heard - counted:
        values[account_id].update(open_cases=0.0, overdue_cases=0.0, p1_open_cases=0.0)
