"""The monthly churn review: its pure rules (accounts.churn_review) and its counts (accounts.selectors)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts import selectors
from accounts.churn_review import Month, Progress, month_before, month_parse, progress_tally, record_done
from accounts.models import Account, ChurnReason, ChurnRecord

NOVEMBER = Month(2026, 11)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", Month(2026, 11)),
        (" 2026-01 ", Month(2026, 1)),
        ("2026-12", Month(2026, 12)),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-1", None),
        ("26-11", None),
        ("2026/11", None),
        ("2026-11-01", None),
        ("", None),
        ("٢٠٢٦-١١", None),  # digits of another script are not a month
        ("0000-01", None),
        ("9999-12", None),  # its following month would not be a date
    ],
)
def test_a_month_is_written_yyyy_mm(text, month):
    assert month_parse(text) == month


def test_a_month_knows_its_days_and_neighbours():
    assert (NOVEMBER.first, NOVEMBER.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert Month(2024, 2).last == date(2024, 2, 29)
    assert Month(2026, 12).following == Month(2027, 1)
    assert Month(2026, 1).preceding == Month(2025, 12)
    assert str(Month(987, 3)) == "0987-03"


def test_the_review_looks_back_at_the_calendar_month_before():
    assert month_before(date(2026, 12, 7)) == NOVEMBER
    assert month_before(date(2026, 12, 1)) == NOVEMBER
    assert month_before(date(2027, 1, 31)) == Month(2026, 12)


@pytest.mark.parametrize(
    ("status", "has_reason", "done"),
    [
        ("confirmed", True, True),
        ("confirmed", False, False),
        ("dismissed", False, True),
        ("proposed", True, False),
        ("proposed", False, False),
    ],
)
def test_a_record_is_done_when_confirmed_with_a_reason_or_dismissed(status, has_reason, done):
    assert record_done(status, has_reason) is done


def test_progress_adds_up_and_rounds_down():
    progress = progress_tally(
        [("confirmed", True, 1), ("confirmed", False, 1), ("dismissed", False, 1), ("proposed", True, 2)]
    )
    assert progress == Progress(due=5, with_reasons=1, dismissed=1, proposed=2, without_reason=1)
    assert (progress.done, progress.to_do, progress.percent, progress.complete) == (2, 3, 40, False)
    assert progress_tally([("confirmed", True, 2), ("confirmed", False, 1)]).percent == 66  # not 67: not done
    assert Progress().percent is None
    assert Progress().complete


def november(mei, jun) -> dict:
    """November 2026 for two CSMs and an account nobody looks after, with records either side of the month."""
    a1, a2 = (Account.objects.create(external_id=f"a{n}", name=f"A{n}", csm=mei) for n in (1, 2))
    b1 = Account.objects.create(external_id="b1", name="B1", csm=jun)
    n1 = Account.objects.create(external_id="n1", name="N1")
    price, support = (  # shipped by a migration; made again after a transactional test's flush
        ChurnReason.objects.get_or_create(
            key=key, defaults={"name_en": en, "name_zh_hans": hans, "name_zh_hant": hant, "position": position}
        )[0]
        for key, en, hans, hant, position in (
            ("price", "Price", "价格", "價格", 6),
            ("support", "Support", "客户支持", "客戶支援", 8),
        )
    )

    def record(account, kind, day, status="confirmed", reasons=()):
        made = ChurnRecord.objects.create(account=account, kind=kind, date=day, mrr_lost=Decimal(100), status=status)
        made.reasons.add(*reasons)
        return made

    made = {
        "due": record(a1, "churn", date(2026, 11, 3)),
        "proposal": record(a2, "downgrade", date(2026, 11, 10), "proposed"),
        "two_reasons": record(a1, "downgrade", date(2026, 11, 20), reasons=(price, support)),
        "dismissed": record(a2, "churn", date(2026, 11, 30), "dismissed"),
        "juns": record(b1, "churn", date(2026, 11, 1), reasons=(price,)),
        "nobody": record(n1, "downgrade", date(2026, 11, 15), "proposed"),
    }
    record(a1, "churn", date(2026, 10, 31))  # the months either side
    record(a1, "downgrade", date(2026, 12, 1))
    return {"mei": mei, "jun": jun, **made}


@pytest.fixture
def review(db, django_user_model):
    mei = django_user_model.objects.create_user("mei", first_name="Mei", last_name="Lin")
    return november(mei, django_user_model.objects.create_user("jun", first_name="Jun", last_name="Wang"))


def test_each_csms_progress_on_the_month(review):
    found = selectors.churn_review_progress(month=NOVEMBER)
    names = [(review["jun"].pk, "Jun Wang"), (review["mei"].pk, "Mei Lin"), (None, "")]
    assert [(r.csm_id, r.name) for r in found] == names
    jun, mei, nobody = (r.progress for r in found)
    assert mei == Progress(due=4, with_reasons=1, dismissed=1, proposed=1, without_reason=1)  # two reasons count once
    assert mei.percent == 50
    assert jun == Progress(due=1, with_reasons=1)
    assert jun.percent == 100
    assert nobody == Progress(due=1, proposed=1)
    assert selectors.churn_review_progress_of(month=NOVEMBER, csm=review["mei"].pk) == mei
    assert selectors.churn_review_progress_of(month=NOVEMBER, csm=selectors.NO_CSM) == nobody
    assert selectors.churn_review_progress(month=Month(2026, 9)) == []


def test_a_csms_records_of_the_month_proposals_first_then_those_without_a_reason(review):
    records = list(selectors.churn_review_records(month=NOVEMBER, csm=review["mei"].pk))
    assert records == [review["proposal"], review["due"], review["two_reasons"], review["dismissed"]]
    assert [r.has_reason for r in records] == [False, False, True, False]
    assert list(selectors.churn_review_records(month=NOVEMBER, csm=selectors.NO_CSM)) == [review["nobody"]]
