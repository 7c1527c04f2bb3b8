"""The churn log's API: POST and GET /api/v1/accounts/{external_id}/churn/, and a churn closing the at-risk cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ChurnRecord
from closedloop.models import Case
from closedloop.services.account_risk import account_risks_apply
from tests.closedloop.test_account_risk import account

pytestmark = pytest.mark.django_db
URL = "/api/v1/accounts/acme/churn/"


def body(**fields):
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    return {"kind": "churn", "date": day, "mrr_lost": "8000.00", "reasons": ["competitor"], **fields}


def test_a_churn_is_recorded_201_closes_the_at_risk_cases_and_is_listed(superuser_api_client):
    acme = account(renewal_date=timezone.localdate() + timedelta(days=20))
    account_risks_apply([acme.pk], now=timezone.now())
    assert Case.objects.filter(account=acme, status__in=Case.OPEN_STATUSES).count() == 2

    response = superuser_api_client.post(URL, body(competitor="Globex", note="新 CIO"), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert {key: data[key] for key in ("account", "kind", "status", "mrr_lost", "reasons", "competitor")} == {
        "account": "acme",
        "kind": "churn",
        "status": "confirmed",
        "mrr_lost": "8000.00",
        "reasons": ["competitor"],
        "competitor": "Globex",
    }
    assert data["recorded_by"] == "root"
    assert not Case.objects.filter(account=acme, status__in=Case.OPEN_STATUSES).exists()
    listed = superuser_api_client.get(URL)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [data["id"]]


def test_recording_a_proposal_confirms_the_same_record_200(superuser_api_client):
    acme = account(before=None)
    day = timezone.localdate() - timedelta(days=3)
    proposal = ChurnRecord.objects.create(account=acme, kind="downgrade", date=day, mrr_lost=100, status="proposed")
    response = superuser_api_client.post(
        URL, body(kind="downgrade", mrr_lost=150, reasons=["price", "needs_unmet"]), format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == proposal.pk
    proposal.refresh_from_db()
    assert (proposal.status, str(proposal.mrr_lost)) == ("confirmed", "150.00")
    assert ChurnRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "fields"),
    [
        ({"reasons": ["price", "aliens"]}, {"reasons"}),
        ({"mrr_lost": -1}, {"mrr_lost"}),
        ({"kind": "downgrade", "mrr_lost": 0}, {"mrr_lost"}),
        ({"date": "2999-01-01"}, {"date"}),
        ({"date": "01/02/2026", "kind": "gone"}, {"date", "kind"}),
        ({"mrr_lost": "NaN"}, {"mrr_lost"}),
        ({"reasons": "price"}, {"reasons"}),
        ({"colour": "red"}, {"colour"}),
        ({"note": 5}, {"note"}),
    ],
)
def test_bad_input_is_a_400_naming_the_fields_and_writes_nothing(superuser_api_client, sent, fields):
    account(before=None)
    response = superuser_api_client.post(URL, body(**sent), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == fields
    assert not ChurnRecord.objects.exists()


def test_a_list_body_is_a_400_and_an_unknown_account_a_404(superuser_api_client):
    account(before=None)
    assert superuser_api_client.post(URL, [body()], format="json").status_code == 400
    assert superuser_api_client.post("/api/v1/accounts/nobody/churn/", body(), format="json").status_code == 404
    assert superuser_api_client.get("/api/v1/accounts/nobody/churn/").status_code == 404


def test_a_customer_success_manager_records_churn_a_cx_staff_member_may_not(role_client):
    account(before=None)
    csm = role_client("Customer success")
    assert csm.post(URL, body(), format="json").status_code == 201
    assert csm.get(URL).status_code == 200
    staff = role_client("CX staff")
    assert staff.get(URL).status_code == 403
    assert staff.post(URL, body(), format="json").status_code == 403
