"""Writing in the closed loop, by concept; import the services from here (`from closedloop import services`).

- `opening`: analysed answers open cases or join the customer's open case;
- `account_risk`: accounts' facts (and detractors of valuable accounts) open or reopen at-risk cases;
- `assignment`: round robin as cases open, and assigning many at once;
- `changes`: staff change a case (owner, priority, root cause, resolution, status) and add notes;
- `sla`: the SLA sweep and escalation;
- `notes`: the resolution note to the customer and the re-survey after it;
- `activity`: the case's log, written by all of the above;
- `events`: the cases' and advocates' webhook events, in the transaction of their change;
- `advocates`: advocates, referrals and export logs;
- `privacy`: forgetting customers and purging old comments.

Their row locks are taken through `closedloop.locks`, in the one order it documents.
`feedback_analysed` is where answers enter, once feedback has analysed them.
"""

from collections.abc import Sequence

from closedloop.contracts import AnalysedFeedback
from closedloop.services.account_risk import account_risks_apply, account_risks_from_detractors
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
from closedloop.services.assignment import cases_assign
from closedloop.services.changes import (
    UNSET,
    CaseChange,
    CaseChangeRefused,
    case_change,
    case_note_add,
    case_sentiment_corrected,
)
from closedloop.services.notes import (
    case_email_failed,
    case_note_render,
    case_notify_customer,
    case_resurvey_sent,
    note_language,
)
from closedloop.services.opening import case_open_or_attach, cases_from_answers
from closedloop.services.privacy import comments_purge, customers_forget
from closedloop.services.sla import case_escalate, case_escalation_email_send, cases_check_sla, sla_hours

__all__ = [
    "UNSET",
    "AdvocateRefused",
    "AdvocatesMoved",
    "CaseChange",
    "CaseChangeRefused",
    "account_risks_apply",
    "account_risks_from_detractors",
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
    "case_sentiment_corrected",
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

    Unhappy answers open or join cases; a detractor from a valuable account opens (or reopens) its
    account's at-risk case; consented promoters become advocates, and a later detractor answer
    retires them. All are idempotent: an answer seen again changes nothing new. The customers'
    cases, then the accounts' (no customer: last), then advocates: the order of `closedloop.locks`.
    """
    if not items:
        return
    detractors = cases_from_answers(items=items)
    account_risks_from_detractors(detractors=detractors)
    advocates_from_answers(items=items)
