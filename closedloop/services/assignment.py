"""Who works a case: round robin among a team's staff as cases open, and staff assigning cases in bulk."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model

from closedloop import locks
from closedloop.models import Case, Team
from closedloop.services.changes import CaseChange, case_change

User = get_user_model()


def next_owner(team: Team):
    """The team's next active staff member after the last one given a case (round robin), or None.

    The team's row must be locked (`locks.teams`, before any case): its `last_assigned` moves on.
    Staff only: case pages and changes are for staff, so a case given to anyone else could not be worked.
    """
    members = list(User.objects.filter(groups=team.group_id, is_active=True, is_staff=True).order_by("id"))
    if not members:
        return None
    after = [user for user in members if team.last_assigned_id is not None and user.id > team.last_assigned_id]
    owner = (after or members)[0]
    team.last_assigned = owner
    team.save(update_fields=["last_assigned"])
    return owner


def cases_assign(*, case_ids: Sequence[int], owner, actor) -> int:
    """Assign many cases to one member of staff (each under its own lock); return how many changed.

    In the case order (`locks`): inside a caller's transaction, which holds each lock until it
    ends, two bulk assignments, or one and the analysis of answers, never wait on each other.
    """
    customers = dict(Case.objects.filter(pk__any_of=list(case_ids)).values_list("id", "customer_id"))
    changed = 0
    for case_id in sorted(case_ids, key=lambda pk: locks.case_sort_key(customers.get(pk), pk)):
        before = Case.objects.filter(pk=case_id).values_list("owner_id", flat=True).first()
        case_change(case_id=case_id, actor=actor, change=CaseChange(owner_id=owner.pk))
        changed += before != owner.pk
    return changed
