"""The closed loop's webhook events, written in the caller's transaction (webhooks.services.events)."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model

from closedloop import webhook_payloads
from closedloop.models import Advocate, Case, RootCause
from webhooks import catalogue
from webhooks.services.events import event_record, events_record


def cases_event_record(event_type: str, cases: Sequence[Case]) -> None:
    """Write one event of this type per case, in one INSERT; owners and root causes read in one query each."""
    if not cases:
        return
    owner_ids = {case.owner_id for case in cases if case.owner_id is not None}
    cause_ids = {case.root_cause_id for case in cases if case.root_cause_id is not None}
    User = get_user_model()
    owners = dict(User.objects.filter(pk__in=owner_ids).values_list("pk", User.USERNAME_FIELD)) if owner_ids else {}
    causes = dict(RootCause.objects.filter(pk__in=cause_ids).values_list("pk", "key")) if cause_ids else {}
    events = []
    for case in cases:
        owner = owners.get(case.owner_id) if case.owner_id is not None else None
        cause = causes.get(case.root_cause_id) if case.root_cause_id is not None else None
        events.append((event_type, webhook_payloads.case_data(case, owner=owner, root_cause=cause), case.pk))
    events_record(events)


def case_event_record(event_type: str, case: Case) -> None:
    cases_event_record(event_type, [case])


def advocate_created_record(advocate: Advocate) -> None:
    event_record(catalogue.ADVOCATE_CREATED, webhook_payloads.advocate_data(advocate), object_id=advocate.pk)
