"""Advocates across the apps: staff withdrawing consent or deleting, and a referral reaching the advocacy metrics."""

import pytest
from django.contrib.auth.models import Group

from closedloop.models import Advocate, AdvocateOptOut
from tests.closedloop.factories import AdvocateFactory
from tests.surveys.factories import CustomerFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/advocates/"


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


def test_deleting_customers_in_the_admin_drops_them_from_every_export(admin_client, role_client):
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
    marketing = role_client("Marketing", "mei")
    lines = b"".join(marketing.get("/api/v1/advocates/export/").streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [kept.external_id]
    assert Group.objects.filter(name="Marketing").exists()


def test_a_chinese_promoter_s_referral_link_brings_a_conversion_that_shows_in_k_factor_and_revenue(
    api_client, django_capture_on_commit_callbacks, client, role_client
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
    lead = role_client("CX lead", "lead")
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
