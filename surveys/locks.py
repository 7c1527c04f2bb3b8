"""Every lock surveys takes, each a named function that says what its caller must already hold.

The apps take locks in one global order, so that no two transactions can wait on each other in
a circle:

    surveys rows (customer → invitation → response) → feedback items → closedloop team → case → advocate

A transaction that holds a lock later in the order never asks for an earlier one; rows of one
kind are locked in one order (keys sorted, ids ascending). A touchpoint-event batch's advisory
locks stand for the customers it is about, so they come first, with the customers. Every
function here must run inside a transaction: the locks last until it ends.
"""

import hashlib
from collections.abc import Sequence

from django.db import connection

from surveys.models import Customer, Invitation, Response
from surveys.sql_locks import ADVISORY_LOCKS_SQL, score_changes_lock_sql


def batch_keys_lock(keys: Sequence[str]) -> None:
    """Serialize concurrent batches that share a customer or an event id (PostgreSQL; SQLite has one writer).

    Each key ("customer:<external id>", "event:<event id>") gets a transaction-scoped advisory
    lock, taken in one fixed order, so two batches touching the same customers wait for each
    other instead of deadlocking in their upserts, and a resent event waits for the first to
    commit and is then seen as a duplicate. Holds nothing before: it comes first in the order.
    """
    if connection.vendor != "postgresql" or not keys:
        return
    numbers = sorted(
        {int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True) for key in keys}
    )
    with connection.cursor() as cursor:
        cursor.execute(ADVISORY_LOCKS_SQL, [numbers])


def customer_lock(*, external_id: str) -> Customer:
    """Lock the customer with this external id and return it; raise Customer.DoesNotExist for an unknown id.

    Holds nothing before: the customer is first in the order. The caller may then lock the
    customer's invitations, answers, feedback items, cases and advocate.
    """
    return Customer.objects.select_for_update().get(external_id=external_id)


def invitation_lock(*, pk: int) -> Invitation:
    """Lock one invitation (not its survey, touchpoint or customer, which come along unlocked) and return it.

    Holds nothing before, or the invitation's customer. The caller may then lock the
    invitation's response, and its feedback item and case after it.
    """
    return (
        Invitation.objects.select_for_update(of=("self",)).select_related("survey", "touchpoint", "customer").get(pk=pk)
    )


def responses_lock(ids: Sequence[int]) -> list[Response]:
    """Lock these answers, in id order, and return them (those that exist).

    Holds nothing before, or their customers or invitations. The caller may then lock (or
    delete) their feedback items, and cases after them.
    """
    return list(Response.objects.select_for_update().filter(pk__any_of=list(ids)).order_by("pk"))


def score_changes_lock() -> None:
    """Keep answers from adding score changes until the transaction ends (PostgreSQL; SQLite has one writer).

    For a rebuild of the rollups, which holds nothing else: answers arriving meanwhile wait for it
    and are then counted as usual.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(score_changes_lock_sql())
