"""What customers ask for, counted: per group, the requests, the customers and accounts asking, their MRR. Pure.

A request in several groups counts in each. Within a group a customer counts once however often
they asked, and an account counts once, with its current MRR once, however many of its people
asked. An anonymous request (no customer) counts as a customer of its own: nobody can tell two
anonymous answers apart. An account unknown to the accounts table, or with no MRR, adds nothing
to the MRR. Groups are sorted by customers asking, then MRR, then requests, then key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Ask:
    """One request as the count reads it."""

    id: int
    customer_id: int | None  # None: anonymous
    account: str  # "" for none
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    requests: int
    customers: int
    accounts: int
    mrr: Decimal  # the accounts' current MRR, each account once


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str
    tally: Tally
    request_ids: tuple[int, ...]  # in the order the requests were given to `request_table`


def tally(asks: Sequence[Ask], mrr: Mapping[str, Decimal | None]) -> Tally:
    """The requests, distinct customers (each anonymous request one), distinct accounts and their MRR once each."""
    customers = {("customer", a.customer_id) if a.customer_id is not None else ("request", a.id) for a in asks}
    accounts = {a.account for a in asks if a.account}
    return Tally(
        requests=len(asks),
        customers=len(customers),
        accounts=len(accounts),
        mrr=sum((mrr.get(account) or Decimal(0) for account in accounts), Decimal(0)),
    )


def request_table(asks: Sequence[Ask], mrr: Mapping[str, Decimal | None]) -> list[GroupRow]:
    """Each group met, most customers first, then most MRR, most requests, and by key."""
    grouped: dict[str, list[Ask]] = {}
    for ask in asks:
        for key in dict.fromkeys(ask.groups):
            grouped.setdefault(key, []).append(ask)
    rows = [
        GroupRow(key=key, tally=tally(group, mrr), request_ids=tuple(a.id for a in group))
        for key, group in grouped.items()
    ]
    return sorted(rows, key=lambda row: (-row.tally.customers, -row.tally.mrr, -row.tally.requests, row.key))
