"""The monthly churn review page, shaped for its template: a CSM's records, and every CSM's progress.

Reads come from accounts.selectors, the rules (which month, when a record is done) from
accounts.churn_review; this module only writes them for reading (labels in the active
language, money as it writes it, links to the records and the accounts).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext

from accounts import selectors
from accounts.churn_review import Month, Progress, progress_sum, record_done
from accounts.models import ChurnRecord
from common import formats


@dataclass(frozen=True, slots=True)
class ReviewRow:
    record_id: int
    record_url: str
    action: str  # what the link to the record asks of the CSM
    account: str
    account_url: str
    kind: str
    status: str
    date: str
    mrr_lost: str
    reasons: str
    done: bool
    proposed: bool


@dataclass(frozen=True, slots=True)
class ProgressRow:
    name: str
    url: str
    progress: Progress
    percent: str


def review_url(month: Month, csm: int | str | None = None) -> str:
    """The review page of a month, for one CSM (or the accounts without one) when given."""
    query = {"month": str(month)} | ({"csm": str(csm)} if csm is not None else {})
    return reverse("admin:accounts_churnrecord_review") + "?" + urlencode(query)


def percent_text(progress: Progress) -> str:
    return "—" if progress.percent is None else f"{progress.percent} %"


def _action(record: ChurnRecord, done: bool) -> str:
    if record.status == ChurnRecord.Status.PROPOSED:
        return gettext("Confirm or dismiss")
    if done:
        return gettext("Open")
    return gettext("Give the reasons")


def _row(record: ChurnRecord) -> ReviewRow:
    done = record_done(record.status, bool(record.has_reason))  # type: ignore[attr-defined]
    account = record.account
    return ReviewRow(
        record_id=record.pk,
        record_url=reverse("admin:accounts_churnrecord_change", args=[record.pk]),
        action=_action(record, done),
        account=account.name or account.external_id,
        account_url=reverse("admin:accounts_account_change", args=[account.pk]),
        kind=record.get_kind_display(),
        status=record.get_status_display(),
        date=record.date.isoformat(),
        mrr_lost=formats.money(record.mrr_lost),
        reasons="、".join(str(reason) for reason in record.reasons.all()) or "—",
        done=done,
        proposed=record.status == ChurnRecord.Status.PROPOSED,
    )


def csm_review(month: Month, csm: int | str) -> dict:
    """One CSM's records of the month: those waiting for them first, then those done, and their progress."""
    rows = [_row(record) for record in selectors.churn_review_records(month=month, csm=csm)]
    return {
        "to_do": [row for row in rows if not row.done],
        "done": [row for row in rows if row.done],
        "progress": selectors.churn_review_progress_of(month=month, csm=csm),
    }


def completion(month: Month) -> dict:
    """Every CSM's progress on the month's review, with a link to each one's list, and the total."""
    reviews = selectors.churn_review_progress(month=month)
    rows = [
        ProgressRow(
            name=review.name if review.csm_id is not None else gettext("No CSM"),
            url=review_url(month, review.csm_id if review.csm_id is not None else selectors.NO_CSM),
            progress=review.progress,
            percent=percent_text(review.progress),
        )
        for review in reviews
    ]
    total = progress_sum(review.progress for review in reviews)
    return {"rows": rows, "total": total, "total_percent": percent_text(total)}
