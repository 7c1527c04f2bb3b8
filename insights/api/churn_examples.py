"""The churn-reasons answer's example in the schema: the worked example of docs/retention.md, shortened."""


def _tally(records, mrr, churns, churn_mrr, downgrades, downgrade_mrr):
    return {
        "records": records,
        "mrr_lost": mrr,
        "churn_records": churns,
        "churn_mrr_lost": churn_mrr,
        "downgrade_records": downgrades,
        "downgrade_mrr_lost": downgrade_mrr,
    }


CHURN_REASONS_EXAMPLE = {
    "since": "2026-01-01",
    "until": "2026-06-30",
    "kind": None,
    "segment": "plan",
    "totals": _tally(4, "2000.00", 3, "1800.00", 1, "200.00"),
    "accounts": 4,
    "without_reason": 1,
    "reason_mentions": 5,
    "reasons": [
        {
            "key": "price",
            "name": "Price",
            "tally": _tally(2, "1200.00", 1, "1000.00", 1, "200.00"),
            "share": 0.5,
            "mrr_share": 0.6,
        },
        {
            "key": "competitor",
            "name": "Switched to a competitor",
            "tally": _tally(1, "1000.00", 1, "1000.00", 0, "0.00"),
            "share": 0.25,
            "mrr_share": 0.5,
        },
        {
            "key": "support",
            "name": "Support",
            "tally": _tally(1, "500.00", 1, "500.00", 0, "0.00"),
            "share": 0.25,
            "mrr_share": 0.25,
        },
        {
            "key": None,
            "name": "No reason yet",
            "tally": _tally(1, "300.00", 1, "300.00", 0, "0.00"),
            "share": 0.25,
            "mrr_share": 0.15,
        },
    ],
    "competitors": [{"name": "Rival", "tally": _tally(2, "1500.00", 2, "1500.00", 0, "0.00")}],
    "segments": [
        {"key": "pro", "name": "pro", "tally": _tally(2, "1200.00", 1, "1000.00", 1, "200.00"), "reasons": []},
        {"key": "basic", "name": "basic", "tally": _tally(2, "800.00", 2, "800.00", 0, "0.00"), "reasons": []},
    ],
    "churned": [
        {
            "record_id": 41,
            "record_url": "/admin/accounts/churnrecord/41/change/",
            "kind": "churn",
            "date": "2026-03-15",
            "mrr_lost": "1000.00",
            "reasons": [{"key": "competitor", "name": "Switched to a competitor"}, {"key": "price", "name": "Price"}],
            "competitor": "Rival",
            "note": "Rival offered the OA integration at half the price.",
            "external_id": "A",
            "name": "Acme",
            "plan": "pro",
            "csm": "mei",
            "account_url": "/admin/accounts/account/7/change/",
            "answers": [
                {
                    "response_id": 912,
                    "survey_kind": "nps",
                    "score": 1,
                    "classification": "detractor",
                    "submitted_at": "2026-03-15T15:30:00Z",
                    "comment": "Bye",
                    "url": "/admin/surveys/response/912/change/",
                },
            ],
            "comments": [
                {
                    "response_id": 912,
                    "survey_kind": "nps",
                    "score": 1,
                    "classification": "detractor",
                    "submitted_at": "2026-03-15T15:30:00Z",
                    "comment": "Bye",
                    "url": "/admin/surveys/response/912/change/",
                },
            ],
            "health_before": {
                "date": "2026-02-13",
                "score": 55,
                "band": "yellow",
                "url": "/admin/accounts/healthsnapshot/3301/change/",
            },
            "health_last": {
                "date": "2026-03-14",
                "score": 30,
                "band": "red",
                "url": "/admin/accounts/healthsnapshot/3330/change/",
            },
            "cases": [
                {
                    "case_id": 88,
                    "reason": "Account at risk: health fell to red",
                    "status": "Closed",
                    "is_open": False,
                    "opened_at": "2026-03-01T02:00:00Z",
                    "url": "/admin/closedloop/case/88/change/",
                },
            ],
            "cases_total": 2,
        }
    ],
    "churned_total": 4,
}
