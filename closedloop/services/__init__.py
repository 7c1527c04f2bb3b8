"""Writing in the closed loop: cases (`cases`), advocates (`advocates`) and personal data (`privacy`).

`feedback_analysed` is where answers enter, once feedback has analysed them.
"""

from collections.abc import Sequence

from closedloop.contracts import AnalysedFeedback
from closedloop.services.advocates import (
    AdvocateRefused,
    AdvocatesMoved,
    advocate_visit,
    advocates_forget_consent,
    advocates_forget_customers,
    advocates_from_answers,
    advocates_move,
    advocates_opt_out,
    export_logged,
    referral_record,
)
from closedloop.services.cases import (
    UNSET,
    CaseChange,
    CaseChangeRefused,
    case_change,
    case_email_failed,
    case_escalate,
    case_escalation_email_send,
    case_note_add,
    case_note_render,
    case_notify_customer,
    case_open_or_attach,
    case_resurvey_sent,
    cases_assign,
    cases_check_sla,
    cases_from_answers,
    note_language,
    sla_hours,
)
from closedloop.services.privacy import comments_purge, customers_forget

__all__ = [
    "UNSET",
    "AdvocateRefused",
    "AdvocatesMoved",
    "CaseChange",
    "CaseChangeRefused",
    "advocate_visit",
    "advocates_forget_consent",
    "advocates_forget_customers",
    "advocates_from_answers",
    "advocates_move",
    "advocates_opt_out",
    "case_change",
    "case_email_failed",
    "case_escalate",
    "case_escalation_email_send",
    "case_note_add",
    "case_note_render",
    "case_notify_customer",
    "case_open_or_attach",
    "case_resurvey_sent",
    "cases_assign",
    "cases_check_sla",
    "cases_from_answers",
    "comments_purge",
    "customers_forget",
    "export_logged",
    "feedback_analysed",
    "note_language",
    "referral_record",
    "sla_hours",
]


def feedback_analysed(*, items: Sequence[AnalysedFeedback]) -> None:
    """Take answers whose comment was just analysed (or that had none), in the caller's transaction.

    Unhappy answers open or join cases; consented promoters become advocates, and a later
    detractor answer retires them. Both are idempotent: an answer seen again changes nothing new.
    """
    if not items:
        return
    cases_from_answers(items=items)
    advocates_from_answers(items=items)
