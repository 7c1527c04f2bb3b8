"""The customer snapshot: who gave an answer, as they were then, copied onto the rows that act on it.

Feedback items, cases and advocates keep the customer's details as they were when the answer
came, so that a later change to the customer does not rewrite what staff saw, and so that the
apps below surveys never read its customer table. The columns are declared once
(`common.models.CustomerSnapshotModel`), carried across app boundaries once (`CustomerSnapshot`,
which the contracts extend), and forgotten in one way (`snapshot_forgotten`).
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerSnapshot:
    customer_id: int | None = None
    customer_external_id: str = ""
    customer_name: str = ""
    customer_email: str = ""
    customer_value: Decimal | None = None
    customer_plan: str = ""
    customer_account: str = ""


SNAPSHOT_FIELDS = tuple(field.name for field in fields(CustomerSnapshot))


def snapshot_forgotten(*, keep_id: bool = False) -> dict[str, Any]:
    """The snapshot's values once its customer is forgotten: `queryset.update(**snapshot_forgotten())`.

    Who the customer was goes; the plan stays, as the segment every figure is broken down by.
    `keep_id`: the row's identity is the customer id (an advocate, kept opted out for good).
    """
    forgotten: dict[str, Any] = {
        "customer_external_id": "",
        "customer_name": "",
        "customer_email": "",
        "customer_value": None,
        "customer_account": "",
    }
    if not keep_id:
        forgotten["customer_id"] = None
    return forgotten


def snapshot_values(source: Any) -> dict[str, Any]:
    """The snapshot's values of anything that carries them (a contract or a row): `Case(**snapshot_values(item))`."""
    return {name: getattr(source, name) for name in SNAPSHOT_FIELDS}
