"""Consented promoters become advocates through the real pipeline; detractor answers and unsubscribes retire them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from closedloop import rules, services
from closedloop.contracts import AnalysedFeedback
from closedloop.models import Advocate, Referral
from feedback import services as feedback_services
from feedback.models import FeedbackItem
from surveys.services import invitations
from tests.surveys.factories import CustomerFactory, InvitationFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def nps():
    return SurveyFactory(kind="nps")


def answer(api_client, committed, survey, score, comment="", customer="c-1", consent=True, **body):
    payload = {"survey": survey.public_key, "score": score, "comment": comment, "consent_to_contact": consent, **body}
    if customer:
        email = f"{customer}@example.com" if customer.isascii() else "wang@example.cn"
        payload["customer"] = {"external_id": customer, "email": email, "name": customer.upper()}
    with committed():
        res = api_client.post(URL, payload, format="json")
    assert res.status_code == 201, res.content
    return res.json()["id"]


def test_a_consented_chinese_promoter_becomes_one_advocate_with_a_code(api_client, committed, nps):
    CustomerFactory(external_id="王小明", name="王小明", plan="专业版", account="华东贸易")
    TouchpointFactory(key="onboarding")
    first = answer(api_client, committed, nps, 9, "上手很顺利，客服很专业 👍", "王小明", touchpoint="onboarding")
    second = answer(api_client, committed, nps, 10, "續約很簡單，推薦給朋友", "王小明")

    advocate = Advocate.objects.get()
    assert (advocate.customer_external_id, advocate.status, advocate.source_id) == ("王小明", "candidate", second)
    assert (advocate.last_score, advocate.last_comment, advocate.customer_plan) == (
        10,
        "續約很簡單，推薦給朋友",
        "专业版",
    )
    assert advocate.language == "zh"
    assert rules.referral_code_normal(advocate.code) == advocate.code
    assert not set(advocate.code) & set("0O1lI")
    assert first != second


def test_a_promoter_without_consent_or_without_identity_is_no_advocate(api_client, committed, nps):
    answer(api_client, committed, nps, 10, "great", "c-1", consent=False)
    answer(api_client, committed, nps, 10, "great", customer=None)
    answer(api_client, committed, SurveyFactory(kind="csat"), 5, "great", "c-2")

    assert not Advocate.objects.exists()


def test_a_later_detractor_answer_retires_the_advocate_and_a_new_promoter_answer_brings_them_back(
    api_client, committed, nps
):
    answer(api_client, committed, nps, 9, "love it", "acme")
    answer(api_client, committed, nps, 3, "the sync broke again 😡", "acme")
    advocate = Advocate.objects.get()
    assert advocate.status == "inactive"
    assert advocate.last_score == 9  # the advocate keeps the promoter answer it was made from

    answer(api_client, committed, nps, 10, "fixed, thanks", "acme")
    advocate.refresh_from_db()
    assert (advocate.status, advocate.last_score, advocate.inactive_at) == ("candidate", 10, None)


def test_an_answer_seen_again_changes_nothing(api_client, committed, nps):
    answer(api_client, committed, nps, 9, "great support", "acme")
    advocate = Advocate.objects.get()
    first_analysis = FeedbackItem.objects.get().analysed_at
    feedback_services.feedback_items_reanalyse(ids=[FeedbackItem.objects.get().id])
    feedback_services.feedback_analyse_all_pending()  # analysed and handed over again
    assert FeedbackItem.objects.get().analysed_at > first_analysis

    again = Advocate.objects.get()
    assert (again.pk, again.code, again.updated_at) == (advocate.pk, advocate.code, advocate.updated_at)


def test_unsubscribing_opts_the_advocate_out_at_once(api_client, committed, nps):
    customer = CustomerFactory(external_id="acme")
    answer(api_client, committed, nps, 10, "great", "acme")
    invitation = InvitationFactory(survey=nps, customer=customer)

    invitations.customer_unsubscribe(token=invitation.token)

    advocate = Advocate.objects.get()
    assert advocate.status == "opted_out"
    assert advocate.opted_out_at is not None


def test_referral_codes_are_read_as_people_type_them():
    assert rules.referral_code_normal("abcd-efgh") == "ABCDEFGH"
    assert rules.referral_code_normal(" 2345 6789 ") == "23456789"
    for bad in ("ABCDEFG0", "ABCDEFGO", "ABCDEFG1", "ABCDEFGI", "ABCDEFG", "ABCDEFGHJ", "推荐码推荐码推荐", ""):
        assert rules.referral_code_normal(bad) is None


def test_a_referral_is_recorded_once_per_external_id(api_client, committed, nps):
    answer(api_client, committed, nps, 10, "great", "acme")
    code = Advocate.objects.get().code

    services.referral_record(code=code.lower(), external_id="signup-1", kind="signup")
    with pytest.raises(services.AdvocateRefused) as refused:
        services.referral_record(code=code, external_id="signup-1", kind="signup")
    assert "already recorded" in str(refused.value)
    with pytest.raises(services.AdvocateRefused):
        services.referral_record(code="ZZZZZZZZ", external_id="signup-2", kind="signup")
    assert Referral.objects.count() == 1


# --- The referral link, the referral API and the export --------------------------------------------


@pytest.fixture
def advocate(api_client, committed, nps):
    answer(api_client, committed, nps, 10, '=HYPERLINK("http://evil") 客服很好', "acme")
    return Advocate.objects.get()


def test_the_referral_link_counts_the_visit_and_leads_to_the_landing_page(client, advocate, settings):
    settings.CX_REFERRAL_LANDING_URL = "https://example.com/signup?utm=cx"
    typed = advocate.code[:4].lower() + "-" + advocate.code[4:].lower()

    res = client.get(f"/r/{typed}")
    unknown = client.get("/r/ZZZZZZZZ")

    assert (res.status_code, res["Location"]) == (302, f"https://example.com/signup?utm=cx&ref={advocate.code}")
    assert (unknown.status_code, unknown["Location"]) == (302, "https://example.com/signup?utm=cx")
    advocate.refresh_from_db()
    assert advocate.visits == 1


def test_the_referral_api_records_once_and_names_what_is_wrong(advocate, role_client):
    marketing = role_client("Marketing", "mei")
    body = {"code": advocate.code, "external_id": "order-1", "kind": "conversion", "revenue": "1200.50"}

    created = marketing.post("/api/v1/referrals/", body, format="json")
    again = marketing.post("/api/v1/referrals/", body, format="json")
    unknown = marketing.post("/api/v1/referrals/", {**body, "code": "ZZZZZZZZ", "external_id": "o-2"}, format="json")
    negative = marketing.post("/api/v1/referrals/", {**body, "revenue": "-1", "external_id": "o-3"}, format="json")
    staff = role_client("CX staff", "li").post("/api/v1/referrals/", {**body, "external_id": "o-4"}, format="json")

    assert created.status_code == 201, created.content
    assert (created.json()["code"], created.json()["revenue"]) == (advocate.code, "1200.50")
    assert again.status_code == 409
    assert "already recorded" in again.json()["error"]["message"]
    assert unknown.status_code == 400
    assert "ZZZZZZZZ" in unknown.json()["error"]["message"]
    assert negative.status_code == 400
    assert staff.status_code == 403
    assert Referral.objects.count() == 1


def test_the_export_lists_each_consented_advocate_once_and_drops_an_opted_out_one(
    api_client, committed, nps, advocate, role_client
):
    answer(api_client, committed, nps, 9, "續約很順利", "台北客戶")
    answer(api_client, committed, nps, 10, "great", "gone")
    answer(api_client, committed, nps, 10, "great", "no-consent", consent=False)
    services.advocates_forget_consent(customer_id=Advocate.objects.get(customer_external_id="gone").customer_id)
    marketing = role_client("Marketing", "mei")

    res = marketing.get("/api/v1/advocates/export/", {"format": "csv"})
    lines = b"".join(res.streaming_content).decode("utf-8-sig").splitlines()

    assert res.status_code == 200
    assert res["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("customer_external_id,customer_name,customer_email")
    customers = sorted(line.split(",")[0] for line in lines[1:])
    assert customers == ["acme", "台北客戶"]
    acme = next(line for line in lines if line.startswith("acme"))
    assert ",'=HYPERLINK" in acme.replace('"', "")  # a formula in a comment is written as text
    from closedloop.models import AdvocateExport

    log = AdvocateExport.objects.get()
    assert (log.row_count, log.format, log.actor.username) == (2, "csv", "mei")

    chinese = marketing.get("/api/v1/advocates/export/", {"language": "zh"})
    assert [
        line.split(",")[0] for line in b"".join(chinese.streaming_content).decode("utf-8-sig").splitlines()[1:]
    ] == ["台北客戶"]


@pytest.mark.parametrize(
    ("group", "allowed"), [("Marketing", True), ("CX lead", True), ("CX staff", False), (None, False)]
)
def test_only_marketing_and_leads_export(advocate, group, allowed, role_client):
    res = role_client(group, "someone").get("/api/v1/advocates/export/")
    assert res.status_code == (200 if allowed else 403)


def test_a_bad_export_filter_is_a_400_naming_it(advocate, role_client):
    res = role_client("Marketing", "mei").get("/api/v1/advocates/export/", {"status": "opted_out", "since": "soon"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"status", "since"}


def test_an_export_cut_short_is_still_logged_with_the_rows_sent(api_client, committed, nps, advocate, monkeypatch):
    from closedloop import exports, selectors
    from closedloop.models import AdvocateExport

    monkeypatch.setattr(exports, "BLOCK", 1)  # a block per row, so that the client can go away between rows
    answer(api_client, committed, nps, 9, "不错", "second")
    lines = exports.csv_stream(selectors.AdvocateFilters(plan="pro"), actor=None, logged={"plan": "pro"})
    next(lines)  # the header, then the client goes away
    lines.close()  # what the WSGI server does to the response's iterator when the client disconnects
    log = AdvocateExport.objects.get()
    assert (log.row_count, log.filters) == (0, {"plan": "pro"})

    lines = exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={})
    next(lines), next(lines)  # the header and one of the two advocates
    lines.close()
    assert AdvocateExport.objects.latest("id").row_count == 1
    assert Advocate.objects.count() == 2  # the connection is still usable after a COPY cut short


def test_an_answer_analysed_after_the_customer_unsubscribed_makes_no_advocate(
    api_client, nps, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(external_id="acme")
    with django_capture_on_commit_callbacks(execute=False):  # the analysis has not run yet
        res = api_client.post(
            URL,
            {"survey": nps.public_key, "score": 10, "consent_to_contact": True, "customer": {"external_id": "acme"}},
            format="json",
        )
    assert res.status_code == 201
    invitations.customer_unsubscribe(token=InvitationFactory(survey=nps, customer=customer).token)

    feedback_services.feedback_analyse_all_pending()

    assert FeedbackItem.objects.get().status == "analysed"
    assert not Advocate.objects.exists()


def test_an_opted_out_advocate_stays_out_whatever_they_answer_later(api_client, committed, nps):
    customer = CustomerFactory(external_id="acme")
    answer(api_client, committed, nps, 10, "great", "acme")
    invitations.customer_unsubscribe(token=InvitationFactory(survey=nps, customer=customer).token)

    answer(api_client, committed, nps, 10, "still great, and yes, contact me", "acme")

    assert Advocate.objects.get().status == "opted_out"


def promoter_answer(customer_id: int, given_at, **fields) -> AnalysedFeedback:
    values = {
        "feedback_id": 1,
        "source": "response",
        "source_id": 1,
        "text": "推荐给同事了",
        "given_at": given_at,
        "survey_id": 1,
        "survey_kind": "nps",
        "score": 10,
        "classification": "promoter",
        "touchpoint_id": None,
        "touchpoint_key": "",
        "customer_id": customer_id,
        "customer_external_id": f"c-{customer_id}",
        "customer_name": "",
        "customer_email": "",
        "customer_value": None,
        "customer_plan": "",
        "customer_account": "",
        "consent_to_contact": True,
        "locale": "zh-CN",
        "language": "zh",
        "polarity": 0.9,
        "label": "pos",
        "keywords": ("推荐",),
    }
    return AnalysedFeedback(**{**values, **fields})


def test_an_advocate_made_meanwhile_by_another_worker_is_refreshed_not_duplicated():
    from closedloop.services import advocates as advocate_services

    now = timezone.now()
    first = promoter_answer(42, now - timedelta(minutes=5))
    made_elsewhere = advocate_services._advocate_create(first)

    assert advocate_services._advocate_create(first) is None  # the other worker's advocate stands, no error
    services.advocates_from_answers(items=[promoter_answer(42, now, source_id=2, score=9)])

    advocate = Advocate.objects.get()
    assert (advocate.pk, advocate.code, advocate.source_id, advocate.last_score) == (
        made_elsewhere.pk,
        made_elsewhere.code,
        2,
        9,
    )


def test_the_referral_link_keeps_the_landing_pages_query_and_fragment(client, advocate, settings):
    settings.CX_REFERRAL_LANDING_URL = "https://example.com/zh/signup?utm=cx#start"

    res = client.get(f"/r/{advocate.code}")

    assert res["Location"] == f"https://example.com/zh/signup?utm=cx&ref={advocate.code}#start"
