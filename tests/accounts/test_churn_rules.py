from datetime import date, timedelta
from decimal import Decimal

from accounts import churn_rules

AS_OF = date(2026, 11, 30)


def test_an_mrr_drop_within_the_window_proposes_a_downgrade_of_the_drop():
    points = [(AS_OF - timedelta(days=40), 1000.0), (AS_OF - timedelta(days=31), 1200.0), (AS_OF, 900.0)]
    proposal = churn_rules.mrr_drop(points, as_of=AS_OF)
    assert proposal is not None
    assert (proposal.kind, proposal.date, proposal.mrr_lost) == ("downgrade", AS_OF, Decimal("300.00"))
    assert "1200.00" in proposal.because
    assert "900.00" in proposal.because


def test_no_drop_no_rise_and_no_history_propose_nothing():
    assert churn_rules.mrr_drop([(AS_OF - timedelta(days=35), 900.0), (AS_OF, 900.0)], as_of=AS_OF) is None
    assert churn_rules.mrr_drop([(AS_OF - timedelta(days=35), 900.0), (AS_OF, 950.0)], as_of=AS_OF) is None
    assert churn_rules.mrr_drop([(AS_OF - timedelta(days=5), 900.0), (AS_OF, 100.0)], as_of=AS_OF) is None
    assert churn_rules.mrr_drop([(AS_OF - timedelta(days=40), 900.0)], as_of=AS_OF) is None
    assert churn_rules.mrr_drop([], as_of=AS_OF) is None


def test_a_renewal_passed_more_than_the_grace_proposes_a_churn_dated_the_renewal():
    renewal = AS_OF - timedelta(days=15)
    proposal = churn_rules.renewal_lapsed(renewal_date=renewal, mrr=Decimal("800"), as_of=AS_OF, grace=14)
    assert proposal is not None
    assert (proposal.kind, proposal.date, proposal.mrr_lost) == ("churn", renewal, Decimal("800.00"))
    on_the_day = AS_OF - timedelta(days=14)
    assert churn_rules.renewal_lapsed(renewal_date=on_the_day, mrr=Decimal(1), as_of=AS_OF, grace=14) is None
    assert churn_rules.renewal_lapsed(renewal_date=None, mrr=Decimal(1), as_of=AS_OF, grace=14) is None
    lapsed = churn_rules.renewal_lapsed(renewal_date=renewal, mrr=None, as_of=AS_OF, grace=0)
    assert lapsed is not None
    assert lapsed.mrr_lost == Decimal("0.00")
