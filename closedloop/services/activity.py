"""A case's log: every change to a case leaves an entry saying who (None: the system), when and what."""

from closedloop.models import Case, CaseActivity


def activity_log(case: Case, actor, kind: str, message: str) -> CaseActivity:
    """Add an entry to the case's log."""
    return CaseActivity.objects.create(case=case, actor=actor, kind=kind, message=message)
