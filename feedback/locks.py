"""Every row lock feedback takes, each a named function that says what its caller must already hold.

The apps take locks in one global order, so that no two transactions can wait on each other in
a circle: surveys rows (customer → invitation → response) → feedback items → closedloop team →
case → advocate. A transaction that holds a lock later in the order never asks for an earlier
one. Feedback items are locked in id order (or skipped when another run holds them), so two runs
over the same items wait for each other rather than deadlock. Every function here must run
inside a transaction (the lock lasts until it ends).
"""

from collections.abc import Sequence

from django.db.models import Q

from feedback.models import FeedbackItem


def items_claimable_lock(free: Q, *, limit: int) -> list[int]:
    """Lock up to `limit` pending items that match `free`, oldest first, and return their ids.

    Rows another claimer has locked are skipped (SKIP LOCKED on PostgreSQL), so concurrent runs
    take different batches. Holds nothing before: a claim runs in its own transaction, and no
    lock of surveys (earlier in the order) is asked for after it.
    """
    return list(
        FeedbackItem.objects.select_for_update(skip_locked=True)
        .filter(free, status=FeedbackItem.Status.PENDING)
        .order_by("pending_since", "id")
        .values_list("id", flat=True)[:limit]
    )


def items_lock(ids: Sequence[int], *, mine: Q) -> list[FeedbackItem]:
    """Lock the items among `ids` that match `mine` (a run's claim), in id order, and return them.

    Holds nothing before, or only surveys rows (earlier in the order); the caller then hands the
    analysed items to the closed loop (team, case, advocate: later in the order) in the same
    transaction.
    """
    return list(FeedbackItem.objects.select_for_update().filter(mine, id__any_of=list(ids)).order_by("id"))
