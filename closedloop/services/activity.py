"""A case's log: every change to a case leaves an entry saying who (None: the system), when and what."""

from closedloop.activity_texts import Entry
from closedloop.models import Case, CaseActivity


def activity_log(case: Case, actor, kind: str, what: Entry | str) -> CaseActivity:
    """Add an entry to the case's log: a note's text, or an Entry the reader sees in their language."""
    if isinstance(what, str):
        return CaseActivity.objects.create(case=case, actor=actor, kind=kind, message=what)
    return CaseActivity.objects.create(
        case=case, actor=actor, kind=kind, message=what.english(), code=what.code, params=what.params
    )
