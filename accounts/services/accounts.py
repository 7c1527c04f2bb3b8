"""Accounts written from the customer's systems: upserted by external id, or made on first mention."""

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Stage
from accounts.signal_rows import external_id_problem

# The fields an upsert may set; a field a row leaves out keeps its value (a new account: blank).
ACCOUNT_FIELDS = ("name", "plan", "mrr", "renewal_date", "stage", "contract_start", "csm")


def _csm_ids(rows: Sequence[Mapping[str, object]], errors: dict[str, list[str]]) -> dict[str, int]:
    """The user id of each CSM username the rows name; an unknown one is an error naming it (and its row)."""
    wanted = {row["csm"] for row in rows if isinstance(row.get("csm"), str) and row["csm"]}
    found = dict(
        get_user_model()
        .objects.filter(username__in=sorted(wanted), is_active=True, is_staff=True)
        .values_list("username", "id")
    )
    for index, row in enumerate(rows):
        name = row.get("csm")
        if isinstance(name, str) and name and name not in found:
            errors.setdefault(f"{index}.csm", []).append(f"No active staff user is named '{name}'.")
    return found


def _rows_checked(rows: Sequence[Mapping[str, object]]) -> dict[str, dict[str, object]]:
    """Each account's given fields (a later row for the same account adds to and overrides an earlier one).

    Raises ValidationError naming each problem as "index.field".
    """
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        problem = external_id_problem(row.get("external_id"))
        if problem:
            errors.setdefault(f"{index}.external_id", []).append(problem)
        unknown = set(row) - {"external_id", *ACCOUNT_FIELDS}
        for name in sorted(unknown):
            errors.setdefault(f"{index}.{name}", []).append("Unknown field.")
        stage = row.get("stage")
        if stage not in (None, "", *Stage.values):
            errors.setdefault(f"{index}.stage", []).append(f"Must be one of: {', '.join(Stage.values)}, or blank.")
    csm_ids = _csm_ids(rows, errors)
    if errors:
        raise ValidationError(errors)
    given: dict[str, dict[str, object]] = {}
    for row in rows:
        fields = {name: row[name] for name in ACCOUNT_FIELDS if name in row}
        if "csm" in fields:
            fields["csm_id"] = csm_ids.get(str(fields.pop("csm") or ""))
        for name in ("name", "plan", "stage"):
            if name in fields and fields[name] is None:
                fields[name] = ""
        given.setdefault(str(row["external_id"]), {}).update(fields)
    return given


@transaction.atomic
def accounts_upsert(rows: Sequence[Mapping[str, object]]) -> list[Account]:
    """Create or update accounts by external id; return them in the order first named.

    A row is {"external_id", and any of name, plan, mrr, renewal_date, stage, contract_start, csm}
    with values already of their type (dates, a Decimal, csm a username or None). All or nothing:
    an unknown CSM username, a bad stage or a bad external id is a ValidationError naming the row
    and field ("2.csm"), and nothing is written.
    """
    given = _rows_checked(rows)
    by_shape: dict[tuple[str, ...], list[Account]] = {}
    now = timezone.now()
    for external_id, fields in sorted(given.items()):  # one lock order for every batch
        shape = tuple(sorted(fields))
        by_shape.setdefault(shape, []).append(Account(external_id=external_id, updated_at=now, **fields))
    for shape, accounts in by_shape.items():
        if shape:
            Account.objects.bulk_create(
                accounts,
                update_conflicts=True,
                unique_fields=["external_id"],
                update_fields=[*(name.removesuffix("_id") for name in shape), "updated_at"],
            )
        else:
            Account.objects.bulk_create(accounts, ignore_conflicts=True)
    stored = Account.objects.select_related("csm").in_bulk(list(given), field_name="external_id")
    return [stored[external_id] for external_id in given]


def accounts_ensure_counted(external_ids: Iterable[str]) -> tuple[dict[str, int], int]:
    """accounts_ensure, and how many accounts it made."""
    wanted = set(external_ids)
    for external_id in sorted(wanted):
        problem = external_id_problem(external_id)
        if problem:
            raise ValidationError({"external_id": [f"'{external_id}': {problem}"]})
    found = dict(Account.objects.filter(external_id__any_of=sorted(wanted)).values_list("external_id", "id"))
    missing = sorted(wanted - found.keys())
    if not missing:
        return found, 0
    Account.objects.bulk_create([Account(external_id=external_id) for external_id in missing], ignore_conflicts=True)
    found.update(Account.objects.filter(external_id__any_of=missing).values_list("external_id", "id"))
    return found, len(missing)


@transaction.atomic
def accounts_ensure(external_ids: Iterable[str]) -> dict[str, int]:
    """The id of each account named, making the missing ones with their external id as their only field.

    Safe against a concurrent maker of the same account (the unique external id decides).
    """
    ids, _created = accounts_ensure_counted(external_ids)
    return ids
