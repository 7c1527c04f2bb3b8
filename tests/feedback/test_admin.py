"""The comment console: the sentiment shown with its confidence, and staff correcting it (kept, audited, exported)."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from closedloop.activity_texts import SENTIMENTS
from closedloop.models import Case, CaseActivity
from feedback import services
from feedback.models import FeedbackItem, SentimentCorrection
from surveys.services import privacy
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/responses/"
COMPLAINT = "手機App常常自動登出，很困擾。"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def case(api_client, committed) -> Case:
    """A detractor's answer with a comment, analysed, and the case it opened."""
    survey = SurveyFactory(kind="nps")
    payload = {"survey": survey.public_key, "score": 2, "comment": COMPLAINT, "customer": {"external_id": "c-1"}}
    with committed():
        assert api_client.post(URL, payload, format="json").status_code == 201
    return Case.objects.get()


@pytest.fixture
def agent(user_with_role):
    return user_with_role("CX staff", "li")


@pytest.fixture
def console(client, agent):
    client.force_login(agent)
    return client


def correct(client, item: FeedbackItem, label: str, note: str = "", **extra):
    url = f"/admin/feedback/feedbackitem/{item.pk}/sentiment/"
    return client.post(url, {"label": label, "note": note, **extra})


def test_staff_correct_a_label_and_the_case_shows_and_logs_it_and_re_analysis_keeps_it(console, agent, case):
    item = FeedbackItem.objects.get()
    analysed = item.label
    page = console.get(f"/admin/closedloop/case/{case.pk}/change/")
    assert f"/admin/feedback/feedbackitem/{item.pk}/sentiment/?next=" in page.content.decode()

    res = correct(console, item, "neg", "登出 is a complaint", next=f"/admin/closedloop/case/{case.pk}/change/")

    assert res.status_code == 302
    assert res["Location"] == f"/admin/closedloop/case/{case.pk}/change/"
    correction = SentimentCorrection.objects.get()
    assert (correction.old_label, correction.new_label, correction.corrected_by) == (analysed, "neg", agent)
    assert (correction.text, correction.note) == (COMPLAINT, "登出 is a complaint")
    case.refresh_from_db()
    assert (case.sentiment, case.sentiment_corrected) == ("neg", True)
    assert case.triggers.get().sentiment == "neg"
    logged = case.activities.get(kind=CaseActivity.Kind.SENTIMENT)
    assert logged.actor == agent
    assert logged.message.endswith(f"corrected: {SENTIMENTS[analysed]} → negative (登出 is a complaint).")
    with translation.override("zh-hans"):
        assert logged.text.endswith("→ 负面（登出 is a complaint）。")

    assert services.feedback_items_reanalyse(ids=[item.pk]) == 1  # the analysis runs again: its label, not ours

    item.refresh_from_db()
    case.refresh_from_db()
    assert (item.label, item.corrected_label) == (analysed, "neg")
    assert (case.sentiment, case.sentiment_corrected) == ("neg", True)
    body = console.get(f"/admin/closedloop/case/{case.pk}/change/").content.decode()
    assert "Negative (corrected by staff)" in body
    item_page = console.get(f"/admin/feedback/feedbackitem/{item.pk}/change/").content.decode()
    assert "Negative (corrected by staff)" in item_page
    assert "登出 is a complaint" in item_page  # the history, on the item's page


def test_the_label_is_shown_with_the_analysis_stored_confidence(console, case, api_client, user_with_role):
    item = FeedbackItem.objects.get()
    FeedbackItem.objects.filter(pk=item.pk).update(label="neg", polarity=-0.2, confidence=0.87)
    Case.objects.filter(pk=case.pk).update(sentiment="neg", polarity=-0.2, confidence=0.87)

    assert "Negative 87%" in console.get("/admin/feedback/feedbackitem/").content.decode()
    assert "Negative 87%" in console.get("/admin/closedloop/case/").content.decode()
    api_client.force_authenticate(user_with_role("CX staff", "api-reader"))
    shown = api_client.get(f"/api/v1/cases/{case.pk}/").json()
    assert (shown["sentiment"], shown["sentiment_confidence"], shown["sentiment_corrected"]) == ("neg", 0.87, False)


def test_rows_analysed_before_confidences_were_stored_show_the_one_derived_from_the_polarity(console, case):
    item = FeedbackItem.objects.get()
    FeedbackItem.objects.filter(pk=item.pk).update(label="neg", polarity=-0.74, confidence=None)
    Case.objects.filter(pk=case.pk).update(sentiment="neg", polarity=-0.74, confidence=None)

    assert "Negative 87%" in console.get("/admin/feedback/feedbackitem/").content.decode()
    assert "Negative 87%" in console.get("/admin/closedloop/case/").content.decode()


def test_the_console_lists_aspects_and_requests_and_filters_on_requests(console, case):
    item = FeedbackItem.objects.get()
    aspects = [{"term": "support", "label": "pos"}, {"term": "billing", "label": "neg"}]
    FeedbackItem.objects.filter(pk=item.pk).update(aspects=aspects, is_request=False)
    wish = FeedbackItem.objects.create(
        source="response",
        source_id=999,
        text="Could the dashboard remember my filters?",
        given_at=item.given_at,
        status="analysed",
        label="neu",
        confidence=0.8,
        is_request=True,
    )

    page = console.get("/admin/feedback/feedbackitem/").content.decode()
    assert '<span class="cx-tag cx-sentiment-pos" title="Positive">support +</span>' in page
    assert '<span class="cx-tag cx-sentiment-neg" title="Negative">billing −</span>' in page
    requests = console.get("/admin/feedback/feedbackitem/", {"is_request__exact": "1"}).content.decode()
    assert "remember my filters" in requests
    assert COMPLAINT not in requests
    assert "Neutral 80%" in console.get(f"/admin/feedback/feedbackitem/{wish.pk}/change/").content.decode()


def test_a_bad_label_is_a_form_error_and_changes_nothing(console, case):
    item = FeedbackItem.objects.get()
    res = correct(console, item, "angry")
    assert res.status_code == 200
    assert "Select a valid choice" in res.content.decode()
    assert not SentimentCorrection.objects.exists()


def test_staff_without_the_permission_cannot_correct(client, user_with_role, case):
    client.force_login(user_with_role("Marketing", "mei"))
    item = FeedbackItem.objects.get()
    assert correct(client, item, "neg").status_code == 403
    assert client.get(f"/admin/feedback/feedbackitem/{item.pk}/sentiment/").status_code == 403
    assert not SentimentCorrection.objects.exists()


def test_an_outside_next_address_is_ignored(console, case):
    item = FeedbackItem.objects.get()
    res = correct(console, item, "neu", next="https://evil.example.com/")
    assert res["Location"] == f"/admin/feedback/feedbackitem/{item.pk}/change/"


def test_corrections_export_as_training_data_and_forgetting_the_customer_forgets_their_words(
    console, agent, case, tmp_path
):
    item = FeedbackItem.objects.get()
    correct(console, item, "neu")
    correct(console, item, "neg", "a complaint")  # the latest correction is the one exported

    jsonl, table = tmp_path / "corrections.jsonl", tmp_path / "corrections.csv"
    call_command("export_sentiment_corrections", output=str(jsonl))
    call_command("export_sentiment_corrections", format="csv", output=str(table))

    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1
    assert {key: rows[0][key] for key in ("item_id", "text", "label", "corrected_by")} == {
        "item_id": item.pk,
        "text": COMPLAINT,
        "label": "neg",
        "corrected_by": "li",
    }
    assert rows[0]["language"] == item.language
    assert rows[0]["at"].endswith("Z")
    assert next(iter(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))))["text"] == COMPLAINT

    privacy.customer_forget(external_id="c-1", via="api")

    assert set(SentimentCorrection.objects.values_list("text", "note")) == {("", "")}
    assert SentimentCorrection.objects.filter(new_label="neg").exists()  # the labels stay
    assert not CaseActivity.objects.filter(kind=CaseActivity.Kind.SENTIMENT).exclude(message="").exists()
    call_command("export_sentiment_corrections", output=str(jsonl))
    assert jsonl.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("item_id", ["abc", "1.5", "%00"])
def test_an_item_id_that_is_not_a_number_is_not_a_server_error(console, item_id):
    # the admin's own answer (a redirect to the missing item's page, or the NUL check's 400), never a 500
    assert console.get(f"/admin/feedback/feedbackitem/{item_id}/sentiment/").status_code in (302, 400)
