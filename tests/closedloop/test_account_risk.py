"""closedloop/services/account_risk.py: accounts at risk open cases in the desk, once per account and reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from accounts.models import Account, AccountSignal, HealthSnapshot
from closedloop import account_rules, services
from closedloop.models import AccountRiskRule, Case, CaseActivity, RootCause, Team
from closedloop.services import CaseChange
from tests.closedloop.test_cases import answer
from tests.surveys.factories import CustomerFactory, SurveyFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def csm(db):
    return User.objects.create_user("wang", "wang@example.com", is_staff=True)


def account(csm=None, *, band="red", before="yellow", now=None, **fields) -> Account:
    values = {"external_id": "acme", "name": "Acme 华东", "plan": "enterprise", "mrr": Decimal("8000.00")}
    created = Account.objects.create(**{**values, **fields}, csm=csm, health_band=band, health_score=30)
    if before is not None:
        HealthSnapshot.objects.create(
            account=created,
            date=timezone.localdate(now) - timedelta(days=1),
            health_band=before,
            health_score=55,
            computed_at=now or timezone.now(),
        )
    return created


def resolve(case: Case, actor) -> None:
    cause = RootCause.objects.get(key="other")
    change = CaseChange(status=Case.Status.RESOLVED, root_cause_id=cause.pk, resolution="Called them; plan agreed.")
    services.case_change(case_id=case.pk, actor=actor, change=change)


def test_a_fall_to_red_opens_one_case_owned_by_the_csm_with_its_sla_and_log(csm, now):
    acme = account(csm, now=now)

    counts = services.account_risks_apply([acme.pk], now=now)

    assert counts == {"opened": 1, "reopened": 0, "cleared": 0, "held": 0}
    case = Case.objects.get()
    assert (case.source, case.source_id, case.account, case.reason) == ("risk_red", acme.pk, acme, "risk_red")
    assert (case.owner, case.status, case.priority) == (csm, Case.Status.ASSIGNED, 2)
    assert case.team == Team.objects.get(is_default=True)
    assert case.due_at == now + timedelta(hours=48)  # the P2 SLA, as for every case
    assert (case.customer_id, case.customer_external_id, case.customer_account) == (None, "", "acme")
    assert (case.customer_name, case.customer_value, case.customer_plan) == (
        "Acme 华东",
        Decimal("8000.00"),
        "enterprise",
    )
    log = list(case.activities.values_list("kind", "code"))
    assert log == [(CaseActivity.Kind.OPENED, "risk_opened"), (CaseActivity.Kind.ASSIGNED, "assigned_csm")]
    opened = case.activities.first()
    assert opened.message == "Opened: Account at risk: health fell to red, P2. Health 30, red (was yellow)."
    with translation.override("zh-hans"):
        assert "账户" in opened.text
        assert "黄" in opened.text
    with translation.override("zh-hant"):
        assert "帳戶" in opened.text


def test_running_twice_opens_nothing_new(csm, now):
    acme = account(csm, now=now, renewal_date=timezone.localdate(now) + timedelta(days=30))

    first = services.account_risks_apply([acme.pk], now=now)
    again = services.account_risks_apply([acme.pk], now=now + timedelta(hours=1))

    assert (first["opened"], again["opened"], again["reopened"]) == (2, 0, 0)
    assert sorted(Case.objects.values_list("reason", flat=True)) == ["risk_red", "risk_renewal"]
    assert CaseActivity.objects.count() == 4


def test_without_a_csm_the_case_is_new_and_unassigned(now):
    acme = account(None, now=now)
    services.account_risks_apply([acme.pk], now=now)
    case = Case.objects.get()
    assert (case.owner, case.status) == (None, Case.Status.NEW)


def test_a_resolved_case_is_reopened_when_its_condition_comes_back_never_duplicated(csm, now):
    acme = account(csm, band="yellow", before="yellow", now=now)
    AccountSignal.objects.create(account=acme, date=timezone.localdate(now), key="payment_overdue_days", value=40)
    services.account_risks_apply([acme.pk], now=now)
    case = Case.objects.get()
    assert case.reason == "risk_payment"
    resolve(case, csm)

    # the next day it still holds: a person resolved it, nothing reopens
    day2 = now + timedelta(days=1)
    AccountSignal.objects.create(account=acme, date=timezone.localdate(day2), key="payment_overdue_days", value=41)
    assert services.account_risks_apply([acme.pk], now=day2)["reopened"] == 0
    # paid: the condition clears, the case stays as it is
    day3 = now + timedelta(days=2)
    AccountSignal.objects.create(account=acme, date=timezone.localdate(day3), key="payment_overdue_days", value=0)
    assert services.account_risks_apply([acme.pk], now=day3)["cleared"] == 1
    assert Case.objects.get().status == Case.Status.RESOLVED
    # late again: the same case comes back to work, a new episode with a new due date
    day40 = now + timedelta(days=40)
    AccountSignal.objects.create(account=acme, date=timezone.localdate(day40), key="payment_overdue_days", value=35)
    assert services.account_risks_apply([acme.pk], now=day40)["reopened"] == 1
    assert services.account_risks_apply([acme.pk], now=day40)["reopened"] == 0

    case = Case.objects.get()
    assert (case.status, case.owner, case.resolved_at, case.risk_cleared_at) == ("assigned", csm, None, None)
    assert (case.opened_at, case.due_at, case.sla) == (day40, day40 + timedelta(hours=48), Case.Sla.ON_TRACK)
    reopened = case.activities.get(code="risk_reopened")
    assert reopened.message.startswith("Reopened (Resolved): Account at risk: payment overdue again, P2, due ")
    assert reopened.message.endswith("Payment overdue 35 days.")


def test_a_condition_that_stops_holding_closes_nothing(csm, now):
    acme = account(csm, now=now)
    services.account_risks_apply([acme.pk], now=now)
    HealthSnapshot.objects.create(
        account=acme, date=timezone.localdate(now), health_band="red", health_score=30, computed_at=now
    )
    later = now + timedelta(days=1)
    assert services.account_risks_apply([acme.pk], now=later)["cleared"] == 1
    case = Case.objects.get()
    assert (case.status, case.risk_cleared_at) == (Case.Status.ASSIGNED, later)


def test_usage_falling_by_a_third_opens_a_case_with_the_fall_in_its_log(csm, now):
    acme = account(csm, band="green", before="green", now=now)
    today = timezone.localdate(now)
    AccountSignal.objects.bulk_create(
        [
            AccountSignal(account=acme, date=today - timedelta(days=d), key="active_users", value=100)
            for d in range(30, 60)
        ]
        + [AccountSignal(account=acme, date=today - timedelta(days=d), key="active_users", value=60) for d in range(30)]
    )
    services.account_risks_apply([acme.pk], now=now)
    case = Case.objects.get()
    assert (case.reason, case.priority) == ("risk_usage", 3)
    opened = case.activities.get(code="risk_opened")
    assert opened.message.endswith("Active users down 40% over 30 days: 100.0 → 60.0 a day on average.")


def test_the_rules_as_configured(csm, now):
    AccountRiskRule.objects.filter(reason="risk_red").update(enabled=False)
    AccountRiskRule.objects.filter(reason="risk_renewal").update(threshold=120, priority=1)
    acme = account(csm, now=now, renewal_date=timezone.localdate(now) + timedelta(days=100))
    services.account_risks_apply([acme.pk], now=now)
    case = Case.objects.get()
    assert (case.reason, case.priority, case.due_at) == ("risk_renewal", 1, now + timedelta(hours=24))


def test_the_sla_sweep_escalates_an_overdue_at_risk_case(csm, now):
    acme = account(csm, now=now)
    services.account_risks_apply([acme.pk], now=now - timedelta(days=3))
    assert services.cases_check_sla(now=now)["escalated"] == 1
    assert Case.objects.get().priority == 1


def test_the_shipped_rules_are_seeded():
    rows = {rule.reason: (rule.enabled, rule.threshold, rule.priority) for rule in AccountRiskRule.objects.all()}
    assert rows == {
        "risk_red": (True, None, 2),
        "risk_usage": (True, Decimal("30.00"), 3),
        "risk_payment": (True, Decimal("30.00"), 2),
        "risk_renewal": (True, Decimal("90.00"), 2),
        "risk_detractor": (True, Decimal("5000.00"), 2),
    }
    assert set(rows) == set(account_rules.REASONS)


# --- A detractor from a valuable account ---------------------------------------------------------


def test_a_detractor_from_a_valuable_account_opens_its_at_risk_case_too(api_client, committed, csm):
    acme = account(csm, band="green", before=None)
    CustomerFactory(external_id="li", account="acme")
    survey = SurveyFactory(kind="nps")

    answer(api_client, committed, survey, 2, "Sync failed again", "li")

    answer_case, risk_case = Case.objects.order_by("id")
    assert (answer_case.reason, answer_case.customer_external_id) == ("detractor", "li")
    assert (risk_case.reason, risk_case.account, risk_case.owner) == ("risk_detractor", acme, csm)
    assert risk_case.activities.first().message.endswith(
        f"A detractor answer (NPS 2), case #{answer_case.pk}; the account's MRR is 8000.00."
    )

    # another detractor of the account: logged on the open case, no second case
    CustomerFactory(external_id="zhao", account="acme")
    answer(api_client, committed, survey, 1, "", "zhao")
    assert Case.objects.filter(reason="risk_detractor").count() == 1
    assert risk_case.activities.filter(code="risk_again").count() == 1

    # resolved, then one more detractor: the same case reopens
    resolve(risk_case, csm)
    CustomerFactory(external_id="qian", account="acme")
    answer(api_client, committed, survey, 0, "", "qian")
    risk_case.refresh_from_db()
    assert (risk_case.status, Case.objects.filter(reason="risk_detractor").count()) == ("assigned", 1)


def test_a_detractor_below_the_mrr_threshold_or_without_an_account_opens_no_at_risk_case(api_client, committed):
    account(None, band="green", before=None, mrr=Decimal("4999.00"))
    survey = SurveyFactory(kind="nps")
    CustomerFactory(external_id="li", account="acme")
    CustomerFactory(external_id="wu", account="")
    CustomerFactory(external_id="ma", account="unknown-co")
    for customer in ("li", "wu", "ma"):
        answer(api_client, committed, survey, 2, "", customer)
    assert sorted(Case.objects.values_list("reason", flat=True)) == ["detractor"] * 3


# --- The admin ---------------------------------------------------------------------------------


def test_the_desk_shows_the_account_and_the_reason(admin_client, csm, now):
    acme = account(csm, now=now)
    services.account_risks_apply([acme.pk], now=now)
    case = Case.objects.get()
    with translation.override("zh-hans"):
        page = admin_client.get("/admin/closedloop/case/", {"reason": "risk_red"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "acme" in text
    assert "Acme 华东" in text
    detail = admin_client.get(f"/admin/closedloop/case/{case.pk}/change/")
    assert detail.status_code == 200
    shown = detail.content.decode()
    assert "Account at risk: health fell to red" in shown
    assert "The account at risk" in shown
    assert "What the customer said" not in shown


def test_the_risk_rules_admin_lists_and_checks_thresholds(admin_client):
    assert admin_client.get("/admin/closedloop/accountriskrule/").status_code == 200
    rule = AccountRiskRule.objects.get(reason="risk_usage")
    url = f"/admin/closedloop/accountriskrule/{rule.pk}/change/"
    page = admin_client.post(url, {"enabled": "on", "threshold": "150", "priority": "2"})
    assert page.status_code == 200
    assert "A fall in usage is a percentage above 0 and at most 100." in page.content.decode()
    assert admin_client.post(url, {"enabled": "on", "threshold": "40", "priority": "1"}).status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.priority) == (Decimal("40.00"), 1)


def test_advocates_of_green_accounts_are_suggested(admin_client):
    from tests.closedloop.factories import AdvocateFactory

    Account.objects.create(external_id="green-co", health_band="green")
    Account.objects.create(external_id="red-co", health_band="red")
    suggested = AdvocateFactory(customer_account="green-co")
    AdvocateFactory(customer_account="red-co")
    AdvocateFactory(customer_account="")
    page = admin_client.get("/admin/closedloop/advocate/", {"account_health": "green"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [suggested]


def test_a_case_another_run_opened_meanwhile_is_not_opened_twice(csm, now, monkeypatch):
    from closedloop import locks

    acme = account(csm, now=now)
    services.account_risks_apply([acme.pk], now=now)
    # As if another run opened it after this one looked: the batch insert conflicts, and each case is then
    # taken alone, found, and left as it is.
    real, calls = locks.account_risk_cases, []
    monkeypatch.setattr(locks, "account_risk_cases", lambda ids: real(ids) if calls.append(1) or len(calls) > 1 else {})

    counts = services.account_risks_apply([acme.pk], now=now)

    assert (counts["opened"], counts["held"], Case.objects.count()) == (0, 1, 1)
