"""The churn log in the admin: proposals first, confirm and dismiss, the form through the service."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ChurnReason, ChurnRecord
from closedloop.models import Case
from closedloop.services.account_risk import account_risks_apply
from portfolio.services.refresh import accounts_refresh
from tests.closedloop.test_account_risk import account

pytestmark = pytest.mark.django_db
LIST = "/admin/accounts/churnrecord/"


@pytest.fixture
def lead(user_with_role):
    return user_with_role("CX lead", "li")


@pytest.fixture
def client(lead) -> Client:
    client = Client()
    client.force_login(lead)
    return client


def test_the_list_shows_proposals_first_and_filters_by_reason_and_csm(client, lead):
    acme = account(lead, before=None)
    today = timezone.localdate()
    old = ChurnRecord.objects.create(account=acme, kind="churn", date=today - timedelta(days=1), mrr_lost=5)
    proposal = ChurnRecord.objects.create(
        account=acme, kind="downgrade", date=today - timedelta(days=30), mrr_lost=5, status="proposed"
    )
    old.reasons.add(ChurnReason.objects.get(key="price"))
    html = client.get(LIST).content.decode()
    assert html.index(f"/{proposal.pk}/change/") < html.index(f"/{old.pk}/change/")
    only_price = client.get(LIST, {"reason": "price"}).content.decode()
    assert f"/{old.pk}/change/" in only_price
    assert f"/{proposal.pk}/change/" not in only_price
    assert f"/{old.pk}/change/" in client.get(LIST, {"csm": "mine"}).content.decode()
    assert f"/{old.pk}/change/" not in client.get(LIST, {"csm": "nobody"}).content.decode()


def test_the_reasons_are_checkboxes_in_the_readers_language(client):
    account(before=None)
    html = client.get(f"{LIST}add/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert 'type="checkbox"' in html
    assert "改用競爭對手" in html
    assert "Switched to a competitor" not in html


def test_confirming_a_proposed_churn_closes_the_at_risk_cases_dismissing_keeps_it(client, lead):
    acme = account(lead, renewal_date=timezone.localdate() + timedelta(days=20))
    account_risks_apply([acme.pk], now=timezone.now())
    day = timezone.localdate() - timedelta(days=2)
    churn = ChurnRecord.objects.create(account=acme, kind="churn", date=day, mrr_lost=5, status="proposed")
    down = ChurnRecord.objects.create(account=acme, kind="downgrade", date=day, mrr_lost=5, status="proposed")
    response = client.post(LIST, {"action": "dismiss", "_selected_action": [down.pk]})
    assert response.status_code == 302
    assert Case.objects.filter(account=acme, status__in=Case.OPEN_STATUSES).count() == 2
    client.post(LIST, {"action": "confirm", "_selected_action": [churn.pk]})
    churn.refresh_from_db()
    down.refresh_from_db()
    assert (churn.status, churn.recorded_by, down.status) == ("confirmed", lead, "dismissed")
    assert not Case.objects.filter(account=acme, status__in=Case.OPEN_STATUSES).exists()


def test_the_add_form_records_through_the_service_and_refuses_bad_values(client, lead):
    acme = account(lead, renewal_date=timezone.localdate() + timedelta(days=20))
    account_risks_apply([acme.pk], now=timezone.now())
    day = timezone.localdate() - timedelta(days=2)
    proposal = ChurnRecord.objects.create(account=acme, kind="churn", date=day, mrr_lost=5, status="proposed")
    price, support = ChurnReason.objects.filter(key__in=("price", "support")).order_by("key")
    form = {"account": acme.pk, "kind": "downgrade", "date": day.isoformat(), "mrr_lost": "0", "note": ""}
    refused = client.post(f"{LIST}add/", {**form, "reasons": [price.pk]})
    assert refused.status_code == 200
    assert "errornote" in refused.content.decode()
    assert ChurnRecord.objects.count() == 1
    saved = client.post(f"{LIST}add/", {**form, "kind": "churn", "mrr_lost": "7000", "reasons": [price.pk, support.pk]})
    assert saved.status_code == 302, re.findall(r"errorlist.{0,300}", saved.content.decode(), re.S)
    proposal.refresh_from_db()
    assert (proposal.status, str(proposal.mrr_lost), proposal.recorded_by) == ("confirmed", "7000.00", lead)
    assert sorted(proposal.reasons.values_list("key", flat=True)) == ["price", "support"]
    assert not Case.objects.filter(account=acme, status__in=Case.OPEN_STATUSES).exists()


def test_the_daily_refresh_proposes_churn_for_a_lapsed_renewal(settings):
    settings.CX_CHURN_RENEWAL_GRACE_DAYS = 14
    acme = account(before=None, renewal_date=timezone.localdate() - timedelta(days=30))
    accounts_refresh(plays=False)
    assert not ChurnRecord.objects.exists()
    accounts_refresh()
    assert ChurnRecord.objects.get().account == acme
    accounts_refresh()
    assert ChurnRecord.objects.count() == 1


def test_a_csm_records_churn_in_the_admin_but_only_a_cx_lead_edits_the_reasons(user_with_role):
    csm = Client()
    csm.force_login(user_with_role("Customer success", "wang"))
    assert csm.get(LIST).status_code == 200
    assert csm.get(f"{LIST}add/").status_code == 200
    assert csm.get("/admin/accounts/churnreason/").status_code == 200
    assert csm.get("/admin/accounts/churnreason/add/").status_code == 403
    lead = Client()
    lead.force_login(user_with_role("CX lead", "chen"))
    assert lead.get("/admin/accounts/churnreason/add/").status_code == 200
