"""Entries written before codes existed get the code and parameters their English message says.

A message that fits none of the patterns (a note, an unusual entry) keeps no code: it is shown as written.
"""

import re
from datetime import datetime, timezone

from django.db import migrations

REASONS = {
    "NPS detractor": "detractor",
    "High effort (CES)": "high_effort",
    "Dissatisfied (CSAT)": "dissatisfied",
    "Passive with a negative comment": "negative_passive",
}
STATUSES = ("new", "assigned", "contacted", "resolved", "closed")
_SCORE = r"(-?\d+|None)"
PATTERNS = [
    ("opened", r"Opened: (?P<reason>.+), P(?P<priority>\d)\."),
    ("assigned_round_robin", r"Assigned to (?P<owner>.+) \(round robin, (?P<team>.+)\)\."),
    ("assigned", r"Assigned to (?P<owner>.+)\."),
    ("unassigned", r"Unassigned\."),
    ("attached_raised", rf"Another answer attached: (?P<kind>\w+) (?P<score>{_SCORE})\. Priority P(?P<before>\d) → P(?P<after>\d)\."),
    ("attached", rf"Another answer attached: (?P<kind>\w+) (?P<score>{_SCORE})\."),
    ("priority", r"Priority P(?P<before>\d) → P(?P<after>\d), due (?P<due>\d{4}-\d\d-\d\d \d\d:\d\d)\."),
    ("root_cause_cleared", r"Root cause cleared\."),
    ("root_cause", r"Root cause: (?P<cause>.+)\."),
    ("reopened", r"Reopened: (?P<before>\w+) → (?P<after>\w+)\."),
    ("status", r"(?P<before>\w+) → (?P<after>\w+)\."),
    ("resolution", r"Resolution updated\."),
    ("resurvey_in", r"Re-survey in (?P<days>\d+) days\."),
    ("resurvey_sent", r"Re-survey sent\."),
    ("resurvey_answered", rf"Re-survey answered: (?P<score>{_SCORE}) \(was (?P<was>{_SCORE})\)\."),
    ("escalated_emailed", r"Overdue: escalated P(?P<before>\d) → P(?P<after>\d), (?P<lead>.+) emailed\."),
    ("escalated", r"Overdue: escalated P(?P<before>\d) → P(?P<after>\d)\."),
    ("note_sent", r"Note sent to (?P<email>\S+): (?P<subject>.*)"),
    ("note_not_sent", r"Note to the customer not sent: (?P<error>.*)"),
    ("escalation_not_sent", r"Escalation email to the team lead not sent: (?P<error>.*)"),
]
_COMPILED = [(code, re.compile(pattern, re.DOTALL)) for code, pattern in PATTERNS]
_NUMBERS = ("priority", "score", "before", "after", "days", "was")


def parse(message: str, causes: dict[str, dict]) -> tuple[str, dict] | None:
    """The code and parameters an old English message stands for, or None when it fits no pattern."""
    for code, pattern in _COMPILED:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        params = match.groupdict()
        if code == "opened":
            if params["reason"] not in REASONS:
                return None
            params["reason"] = REASONS[params["reason"]]
        if code in ("status", "reopened") and not {params["before"], params["after"]} <= set(STATUSES):
            return None
        if code == "root_cause":
            if params["cause"] not in causes:
                return None
            params["cause"] = causes[params["cause"]]
        if code == "priority":
            params["due"] = datetime.strptime(params["due"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc).isoformat()
        for name in _NUMBERS:
            if name in params and re.fullmatch(_SCORE, params[name]):  # priorities and scores; statuses stay words
                params[name] = None if params[name] == "None" else int(params[name])
        return code, params
    return None


def _causes(RootCause) -> dict[str, dict]:
    """Each root cause by the names an old entry shows it under ("Billing / 账单问题", or "Billing")."""
    found = {}
    for key, en, zh in RootCause.objects.values_list("key", "name_en", "name_zh"):
        param = {"key": key, "en": en, "zh": zh}
        found[f"{en} / {zh}" if zh else en] = param
    return found


def codes_from_messages(apps, schema_editor):
    CaseActivity = apps.get_model("closedloop", "CaseActivity")
    causes = _causes(apps.get_model("closedloop", "RootCause"))
    rows = CaseActivity.objects.filter(code="").exclude(kind="note").order_by("id").values_list("id", "message")
    for pk, message in list(rows.iterator(chunk_size=2000)):
        parsed = parse(message, causes)
        if parsed is not None:  # one row at a time: bulk_update's CASE mixes up JSON values on SQLite
            CaseActivity.objects.filter(pk=pk).update(code=parsed[0], params=parsed[1])


class Migration(migrations.Migration):
    dependencies = [("closedloop", "0014_activity_text_codes")]

    operations = [migrations.RunPython(codes_from_messages, migrations.RunPython.noop, elidable=True)]
