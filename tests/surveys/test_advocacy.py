"""Advocacy metrics across the apps (promoters, K-factor, revenue, ROI), and staff withdrawing consent or deleting."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from closedloop.models import Advocate, AdvocateOptOut
from tests.closedloop.factories import AdvocateFactory, ReferralFactory
from tests.closedloop.test_advocates import staff_client
from tests.surveys.factories import CustomerFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/advocates/"


@pytest.fixture
def period():
    now = timezone.now()
    nps = SurveyFactory(kind="nps")
    old = [CustomerFactory() for _ in range(8)]
    for customer in old:
        customer.created_at = now - timedelta(days=400)
        customer.save(update_fields=["created_at"])
    CustomerFactory(external_id="新客户")  # known only since the period began: not an existing customer
    for customer, score, consent, days in (
        (old[0], 10, True, 5),
        (old[0], 9, True, 4),
        (old[1], 9, False, 3),
        (None, 10, False, 2),
        (old[2], 3, False, 2),
        (old[3], 10, True, 90),  # before the period
    ):
        at = now - timedelta(days=days)
        ResponseFactory(survey=nps, customer=customer, score=score, consent_to_contact=consent, submitted_at=at)
    advocate = AdvocateFactory(customer_id=old[0].pk, customer_external_id=old[0].external_id, visits=12)
    referrals = (("signup", 0, 3), ("signup", 0, 2), ("conversion", "150.00", 1), ("conversion", 500, 60))
    for kind, revenue, days in referrals:
        ReferralFactory(advocate=advocate, kind=kind, revenue=Decimal(revenue), occurred_at=now - timedelta(days=days))
    return now - timedelta(days=30), now


def test_the_metrics_count_promoters_and_what_referrals_brought(period, settings):
    settings.CX_REFERRAL_REWARD_COST = Decimal("50")
    since, until = period

    res = staff_client("mei", "Marketing").get(URL, {"since": since.isoformat(), "until": until.isoformat()})

    assert res.status_code == 200, res.content
    body = res.json()
    assert (body["promoters"], body["consented_promoters"], body["anonymous_promoter_answers"]) == (2, 1, 1)
    assert body["existing_customers"] == 8
    assert (body["signups"], body["conversions"], body["conversion_rate"]) == (2, 1, 0.5)
    assert body["k_factor"] == pytest.approx(1 / 8)
    assert body["revenue"] == "150.00"
    assert body["roi"] == pytest.approx(2.0)  # (150 − 50) / 50
    assert body["advocates_by_status"]["candidate"] == 1
    assert body["link_visits"] == 12


def test_without_a_reward_cost_there_is_no_roi_and_without_since_every_referral_counts(period):
    res = staff_client("mei", "CX lead").get(URL)
    body = res.json()
    assert (body["conversions"], body["revenue"], body["roi"]) == (2, "650.00", None)
    assert body["existing_customers"] == 9


@pytest.mark.parametrize(("group", "allowed"), [("Marketing", True), ("CX lead", True), ("CX staff", False)])
def test_only_marketing_and_leads_see_advocacy_metrics(group, allowed):
    assert staff_client("someone", group).get(URL).status_code == (200 if allowed else 403)


def test_a_bad_period_is_a_400_naming_it():
    client = staff_client("mei", "Marketing")
    res = client.get(URL, {"since": "last week"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"since"}
    now = timezone.now()
    res = client.get(URL, {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()})
    assert res.status_code == 400
    assert "until" in res.json()["error"]["fields"]


# --- Staff withdrawing consent or deleting a customer -------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_unticking_consent_in_the_admin_opts_the_advocate_out_at_once(admin_client):
    customer = CustomerFactory(external_id="王小明", name="王小明", email="wang@example.cn", consent_to_contact=True)
    AdvocateFactory(customer_id=customer.pk, customer_external_id=customer.external_id)
    url = f"/admin/surveys/customer/{customer.pk}/change/"
    page = admin_client.get(url).context
    form, inlines = page["adminform"].form, page["inline_admin_formsets"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("consent_to_contact")  # unticked
    for inline in inlines:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})

    res = admin_client.post(url, data)

    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    assert Advocate.objects.get().status == "opted_out"
    assert AdvocateOptOut.objects.filter(customer_id=customer.pk).exists()
    customer.refresh_from_db()
    assert customer.consent_to_contact is False


def test_deleting_customers_in_the_admin_drops_them_from_every_export(admin_client):
    kept, gone = CustomerFactory(), CustomerFactory(external_id="陳大文")
    for customer in (kept, gone):
        AdvocateFactory(customer_id=customer.pk, customer_external_id=customer.external_id)

    res = admin_client.post(
        "/admin/surveys/customer/", {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"}
    )

    assert res.status_code == 302
    assert dict(Advocate.objects.values_list("customer_id", "status")) == {kept.pk: "candidate", gone.pk: "opted_out"}
    forgotten = Advocate.objects.get(customer_id=gone.pk)
    assert (forgotten.customer_external_id, forgotten.customer_name, forgotten.customer_email) == ("", "", "")
    assert forgotten.last_comment == ""
    marketing = staff_client("mei", "Marketing")
    lines = b"".join(marketing.get("/api/v1/advocates/export/").streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [kept.external_id]
    assert Group.objects.filter(name="Marketing").exists()


def test_a_chinese_promoter_s_referral_link_brings_a_conversion_that_shows_in_k_factor_and_revenue(
    api_client, django_capture_on_commit_callbacks, client
):
    from tests.closedloop.test_advocates import answer

    nps = SurveyFactory(kind="nps")
    for n in range(3):
        CustomerFactory(external_id=f"old-{n}")
    committed = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731
    answer(api_client, committed, nps, 10, "客服回覆很快，推薦給同事 🎉", "台北客戶")
    answer(api_client, committed, nps, 9, "續約很順利", "台北客戶")  # the same customer again: still one advocate
    advocate = Advocate.objects.get()

    visit = client.get(f"/r/{advocate.code.lower()}")
    assert visit.status_code == 302
    assert f"ref={advocate.code}" in visit["Location"]
    lead = staff_client("lead", "CX lead")
    recorded = lead.post(
        "/api/v1/referrals/",
        {"code": advocate.code, "external_id": "order-8841", "kind": "conversion", "revenue": "299.00"},
        format="json",
    )
    assert recorded.status_code == 201, recorded.content

    metrics = lead.get(URL).json()
    assert (metrics["conversions"], metrics["revenue"], metrics["link_visits"]) == (1, "299.00", 1)
    assert metrics["k_factor"] == pytest.approx(1 / 4)  # three customers before, and the promoter
    lines = b"".join(lead.get("/api/v1/advocates/export/").streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["台北客戶"]
