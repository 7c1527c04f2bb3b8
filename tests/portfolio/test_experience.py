"""The experience signals: what the account's people said, counted over the window, per account."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import Account, AccountSignal
from accounts.services.derived import derived_signals_write
from closedloop.models import Case
from feedback.models import FeedbackItem
from portfolio.experience import EXPERIENCE_KEYS, experience_values
from surveys.models import Survey
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 30)
NOON = datetime(2026, 6, 20, 12, tzinfo=UTC)


def _item(account: str, label: str, *, corrected: str = "", text: str = "x", days_ago: int = 10) -> None:
    FeedbackItem.objects.create(
        source="response",
        source_id=FeedbackItem.objects.count() + 1,
        text=text,
        given_at=datetime(2026, 6, 30, 12, tzinfo=UTC) - timedelta(days=days_ago),
        status=FeedbackItem.Status.ANALYSED,
        label=label,
        corrected_label=corrected,
        customer_account=account,
    )


def test_scores_of_the_accounts_people_over_the_window():
    acme, quiet = Account.objects.create(external_id="acme"), Account.objects.create(external_id="quiet")
    nps = SurveyFactory(kind=Survey.Kind.NPS)
    csat = SurveyFactory(kind=Survey.Kind.CSAT)
    ces = SurveyFactory(kind=Survey.Kind.CES)
    for score in (10, 9, 9, 7, 3):  # 3 promoters, 1 detractor of 5: NPS 40
        ResponseFactory(survey=nps, score=score, account="acme", submitted_at=NOON)
    ResponseFactory(survey=nps, score=0, account="acme", submitted_at=NOON - timedelta(days=120))  # before
    ResponseFactory(survey=nps, score=0, account="acme", submitted_at=datetime(2026, 7, 1, 1, tzinfo=UTC))
    ResponseFactory(survey=nps, score=0, account="other", submitted_at=NOON)
    for score in (5, 4, 2, 1):  # 2 of 4 satisfied
        ResponseFactory(survey=csat, score=score, account="acme", submitted_at=NOON)
    for score in (7, 4):
        ResponseFactory(survey=ces, score=score, account="acme", submitted_at=NOON)

    values = experience_values(None, as_of=AS_OF)

    assert values[acme.pk] == {
        "nps": 40.0,
        "promoters": 3.0,
        "csat": 50.0,
        "ces": 5.5,
        "open_cases": 0.0,
        "overdue_cases": 0.0,
        "p1_open_cases": 0.0,
    }
    assert quiet.pk not in values  # nobody answered, no case open: nothing known, not "nothing open"


def test_negative_comment_share_counts_staff_corrections_and_skips_empty_comments():
    acme = Account.objects.create(external_id="acme")
    _item("acme", "neg")
    _item("acme", "neg", corrected="neu")  # staff said it was not negative
    _item("acme", "pos", corrected="neg")
    _item("acme", "pos")
    _item("acme", "neg", text="")  # no comment: not a comment's sentiment
    _item("acme", "neg", days_ago=200)  # outside the window

    assert experience_values([acme.pk], as_of=AS_OF)[acme.pk]["negative_comment_share"] == 0.5


def test_open_cases_of_answers_count_but_the_accounts_own_risk_cases_do_not():
    acme = Account.objects.create(external_id="acme")
    now = datetime.now(UTC)
    CaseFactory(customer_account="acme", priority=1, due_at=now - timedelta(hours=1))
    CaseFactory(customer_account="acme", priority=2, due_at=now + timedelta(hours=5))
    CaseFactory(customer_account="acme", status=Case.Status.RESOLVED)

    values = experience_values([acme.pk], as_of=date.today())[acme.pk]

    assert (values["open_cases"], values["overdue_cases"], values["p1_open_cases"]) == (2.0, 1.0, 1.0)


def test_derived_signals_replace_the_days_values_and_drop_a_signal_that_lost_its_data():
    acme = Account.objects.create(external_id="acme")
    derived_signals_write(as_of=AS_OF, keys=EXPERIENCE_KEYS, values={acme.pk: {"nps": 10.0, "open_cases": 1.0}})
    derived_signals_write(as_of=AS_OF, keys=EXPERIENCE_KEYS, values={acme.pk: {"open_cases": 2.0}})
    AccountSignal.objects.create(account=acme, date=AS_OF, key="logins", value=7)  # sent by a system: not ours
    derived_signals_write(as_of=AS_OF, keys=EXPERIENCE_KEYS, values={acme.pk: {"open_cases": 3.0}})

    assert dict(AccountSignal.objects.filter(account=acme).values_list("key", "value")) == {
        "open_cases": 3.0,
        "logins": 7.0,
    }


def test_a_derived_signal_that_lost_its_data_stops_counting_at_once():
    """The `latest` window reads back 30 days: yesterday's NPS must not stand in for today's absent one."""
    from datetime import timedelta

    acme = Account.objects.create(external_id="acme")
    yesterday = AS_OF - timedelta(days=1)
    derived_signals_write(as_of=yesterday, keys=EXPERIENCE_KEYS, values={acme.pk: {"nps": 10.0}})
    AccountSignal.objects.create(account=acme, date=yesterday, key="logins", value=7)

    derived_signals_write(as_of=AS_OF, keys=EXPERIENCE_KEYS, values={acme.pk: {}})

    assert list(AccountSignal.objects.filter(account=acme).values_list("key", flat=True)) == ["logins"]
