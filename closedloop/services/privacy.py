"""Personal data in the closed loop: forgetting a customer, and purging old comments.

What a case or an advocate says about the loop (statuses, times, scores, root causes, referral
counts and revenue) stays, so that the loop's figures stay right; who the customer was and what
they wrote goes.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from closedloop import locks
from closedloop.models import Advocate, AdvocateExport, Case, CaseActivity, CaseTrigger, Referral
from closedloop.services.advocates import advocates_forget_customers
from common.snapshot import snapshot_forgotten

# Activity that may quote the customer: notes staff wrote, notes sent to the customer, a mail server's refusal.
# A sentiment correction's note may quote the comment.
_QUOTING = (
    CaseActivity.Kind.NOTE,
    CaseActivity.Kind.NOTIFIED,
    CaseActivity.Kind.EDITED,
    CaseActivity.Kind.NOT_SENT,
    CaseActivity.Kind.SENTIMENT,
)


@transaction.atomic
def customers_forget(
    *, customer_ids: Sequence[int], external_ids: Sequence[str], identifiers: Sequence[str], actor=None
) -> dict[str, int]:
    """Drop the customers' personal data from cases, advocates, referrals and export logs; return counts.

    A referral signed up under one of `external_ids` loses it; an export log with a filter that
    is exactly one of `identifiers` (external id, email, name) loses its filters (its count stays).
    """
    ids = sorted(set(customer_ids))
    cases = Case.objects.filter(customer_id__any_of=ids)
    case_ids = locks.cases_in_order(cases)  # the cases, then their answers and log (`locks`)
    CaseTrigger.objects.filter(case_id__any_of=case_ids).update(comment="")
    CaseActivity.objects.filter(case_id__any_of=case_ids, kind__in=_QUOTING).update(message="", code="", params={})
    emptied = cases.update(
        **snapshot_forgotten(),
        comment="",
        keywords=[],
        customer_note="",
        customer_note_error="",  # a mail server's refusal quotes the address
        resolution="",  # staff's words to and about the customer
        updated_at=timezone.now(),
    )
    advocates = advocates_forget_customers(customer_ids=ids, actor=actor)
    named = {value for value in identifiers if value}
    referrals = 0
    for referral in Referral.objects.filter(external_id__in=external_ids):
        referral.external_id = f"forgotten-{referral.pk}"
        referral.save(update_fields=["external_id"])
        referrals += 1
    logs = [
        log.pk
        for log in AdvocateExport.objects.exclude(filters={}).only("pk", "filters")
        if named & {str(value) for value in log.filters.values()}  # a filter that is exactly one of them
    ]
    AdvocateExport.objects.filter(pk__in=logs).update(filters={})
    return {"cases": emptied, "advocates": advocates, "referrals": referrals, "export_logs": len(logs)}


@transaction.atomic
def comments_purge(*, before: datetime) -> dict[str, int]:
    """Empty the comments given before a moment from cases, their answers and advocates; return counts.

    Cases first, then answers, then advocates, each locked in the order `locks` gives.
    """
    said = locks.cases_in_order(Case.objects.filter(given_at__lt=before).filter(~Q(comment="") | ~Q(keywords=[])))
    cases = Case.objects.filter(id__any_of=said).update(comment="", keywords=[], updated_at=timezone.now())
    triggers = CaseTrigger.objects.filter(given_at__lt=before).exclude(comment="").update(comment="")
    wrote = locks.advocates_in_order(Advocate.objects.filter(last_answer_at__lt=before).exclude(last_comment=""))
    advocates = Advocate.objects.filter(id__any_of=wrote).update(last_comment="", updated_at=timezone.now())
    return {"cases": cases, "case_answers": triggers, "advocates": advocates}
