"""Count what the API accepted against what the database holds: the check the soak and the fault tests share.

`reconcile(accepted_ids)` counts, in the database:
- every 201 is exactly one response row, and no response exists that was not a 201;
- every response has exactly one feedback item, and every item is analysed;
- every answer owed a case is on exactly one case (opened by it or attached to the customer's
  open case), and no answer is on two. An answer is owed a case when it is in its kind's negative
  class (surveys.scoring.NEGATIVE_CLASS: NPS detractor 0-6, CES hard 1-3 of 7, CSAT dissatisfied
  1-2 of 5), which are the shipped case thresholds (closedloop.rules.Thresholds);
- every identified promoter who agreed to be contacted has exactly one advocate;
- the score rollups count every answer exactly once.
`mismatches(counts)` names each count that should be zero and is not. Run inside Django.
"""

from collections import Counter
from collections.abc import Iterable


def reconcile(accepted_ids: Iterable[int]) -> dict[str, int]:
    # imported here: the soak script imports `mismatches` before Django is set up
    from django.db.models import Count, Q

    from closedloop.models import Advocate, CaseTrigger
    from feedback.models import FeedbackItem
    from surveys.models import SCORE_COLUMNS, Response, ScoreRollup
    from surveys.scoring import NEGATIVE_CLASS
    from surveys.services.rollups import score_rollups_fold

    ids = set(accepted_ids)
    stored = set(Response.objects.values_list("id", flat=True))
    items = FeedbackItem.objects.filter(source="response")
    with_two_items = items.values("source_id").annotate(n=Count("id")).filter(n__gt=1).count()
    owed_a_case = Q()
    for kind, negative in NEGATIVE_CLASS.items():
        owed_a_case |= Q(survey__kind=kind.value, classification=negative.value)
    detractor_ids = set(Response.objects.filter(owed_a_case).values_list("id", flat=True))
    triggers = CaseTrigger.objects.filter(source="response")
    trigger_counts = triggers.values("source_id").annotate(n=Count("id"))
    consenting = set(
        Response.objects.filter(classification="promoter", consent_to_contact=True, customer__isnull=False).values_list(
            "customer_id", flat=True
        )
    )
    advocates = Counter(Advocate.objects.values_list("customer_id", flat=True))
    score_rollups_fold()
    rolled = sum(sum(row) for row in ScoreRollup.objects.filter(grain="month_all").values_list(*SCORE_COLUMNS))
    return {
        "accepted": len(ids),
        "responses": len(stored),
        "accepted_but_missing": len(ids - stored),
        "stored_but_not_accepted": len(stored - ids),
        "feedback_items": items.count(),
        "responses_without_item": len(stored - set(items.values_list("source_id", flat=True))),
        "responses_with_two_items": with_two_items,
        "items_analysed": items.filter(status="analysed").count(),
        "items_not_analysed": items.exclude(status="analysed").count(),
        "detractor_answers": len(detractor_ids),
        "detractor_answers_without_case": len(detractor_ids - {row["source_id"] for row in trigger_counts}),
        "answers_on_two_cases": sum(1 for row in trigger_counts if row["n"] > 1),
        "cases": triggers.values("case_id").distinct().count(),
        "consenting_promoter_customers": len(consenting),
        "advocates": sum(advocates.values()),
        "consenting_without_advocate": len(consenting - set(advocates)),
        "customers_with_two_advocates": sum(1 for n in advocates.values() if n > 1),
        "rollup_count": rolled,
    }


def mismatches(counts: dict[str, int]) -> dict[str, int]:
    """The counts that should be zero and are not (an empty dict: nothing lost, nothing doubled)."""
    problems = {
        "accepted but missing": counts["accepted_but_missing"],
        "stored but not accepted": counts["stored_but_not_accepted"],
        "responses without an item": counts["responses_without_item"],
        "responses with two items": counts["responses_with_two_items"],
        "items not analysed": counts["items_not_analysed"],
        "detractor answers without a case": counts["detractor_answers_without_case"],
        "answers on two cases": counts["answers_on_two_cases"],
        "consenting promoters without an advocate": counts["consenting_without_advocate"],
        "customers with two advocates": counts["customers_with_two_advocates"],
        "rollups off by": abs(counts["rollup_count"] - counts["responses"]),
    }
    return {name: n for name, n in problems.items() if n}
