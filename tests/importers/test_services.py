"""Importing history: ready mappings, CSV and XLSX, dry run, idempotency, per-batch atomicity and the cut-off."""

import csv
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from closedloop.models import Advocate, Case
from feedback import services as feedback_services
from feedback.models import FeedbackItem
from importers.mappings import READY
from importers.services import import_run
from surveys.import_selectors import import_target_get
from surveys.models import Customer, Response, ScoreChange, ScoreRollup
from surveys.services import response_submit
from surveys.services.rollups import score_rollups_fold
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

OLD = "2025-03-01T10:00:00+00:00"


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _delighted(tmp_path, rows):
    return _csv(tmp_path / "delighted.csv", ["id", "person", "email", "name", "score", "comment", "created_at"], rows)


def _run(path, mapping="delighted", **kwargs):
    kwargs.setdefault("kind", "csv")
    return import_run(source=path, target=import_target_get(survey="S"), column_map=READY[mapping], **kwargs)


@pytest.fixture
def survey():
    return SurveyFactory(name="S")


def test_delighted_export_imports_once_with_its_original_times(tmp_path, survey):
    # given a Delighted export (created_at in Unix seconds)
    path = _delighted(
        tmp_path,
        [
            ["r1", "p1", "a@example.com", "Ann", "9", "Great", "1709287200"],
            ["r2", "p2", "b@example.com", "Bo", "3", "退款太慢", "1709373600"],
        ],
    )
    # when it is imported twice
    first = _run(path)
    second = _run(path)
    # then the answers are stored once, with their times, counted in the rollups and queued for analysis
    assert (first.history, second.history, second.skipped) == (2, 0, 2)
    assert Response.objects.count() == 2
    assert ScoreChange.objects.count() == 2
    ann = Response.objects.get(customer__external_id="p1")
    assert ann.submitted_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert Customer.objects.get(external_id="p2").email == "b@example.com"
    assert FeedbackItem.objects.filter(closed_loop=False).count() == 2


def test_dry_run_reports_refused_rows_and_writes_nothing(tmp_path, survey):
    path = _delighted(
        tmp_path,
        [
            ["r1", "p1", "", "", "11", "", OLD],
            ["r2", "p2", "", "", "x", "", OLD],
            ["r3", "p3", "", "", "7", "", "yesterday"],
            ["r4", "p4", "", "", "7", "", OLD],
        ],
    )
    report = _run(path, dry_run=True)
    assert (report.rows, report.history, report.refused) == (4, 1, 3)
    assert report.refusals == [
        (2, "score: 11 is outside this survey's scale (0 to 10)."),
        (3, "score: 'x' is not a number."),
        (4, "submitted_at: 'yesterday' is not an ISO 8601 date (give the mapping a date format)."),
    ]
    assert not Response.objects.exists()


def test_a_failing_batch_leaves_nothing_of_itself(tmp_path, survey, monkeypatch):
    from surveys.services import imports

    path = _delighted(tmp_path, [[f"r{n}", f"p{n}", "", "", "8", "", OLD] for n in range(5)])
    name = "_history_postgresql" if imports.postgresql_paths() else "_history_orm"
    store, calls = getattr(imports, name), []

    def fail_second_batch(*args):
        calls.append(1)
        stored = store(*args)  # the batch's rows are written, then the batch fails
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return stored

    monkeypatch.setattr(imports, name, fail_second_batch)
    with pytest.raises(RuntimeError):
        _run(path, batch=3)
    assert Response.objects.count() == 3  # the first batch, whole; nothing of the second
    assert ScoreChange.objects.count() == 3
    assert FeedbackItem.objects.count() == 3
    assert Customer.objects.count() == 3


def test_cutoff_old_answers_never_act_new_detractors_open_cases(tmp_path, survey, settings):
    recent = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    path = _delighted(
        tmp_path,
        [
            ["old-bad", "p1", "p1@example.com", "", "0", "Terrible, refund me", OLD],
            ["new-bad", "p2", "p2@example.com", "", "1", "Terrible, refund me", recent],
        ],
    )
    report = _run(path, cutoff=datetime.now(UTC) - timedelta(days=7))
    assert (report.history, report.live) == (1, 1)
    feedback_services.feedback_analyse_all_pending()  # as the analysis queue does once the import commits
    cases = Case.objects.all()
    assert [case.customer_external_id for case in cases] == ["p2"]
    assert FeedbackItem.objects.get(customer_external_id="p1").status == FeedbackItem.Status.ANALYSED
    assert all("p1@example.com" not in message.to for message in mail.outbox)


def test_old_consenting_promoter_is_no_advocate(tmp_path, survey):
    path = _csv(
        tmp_path / "own.csv",
        ["customer_external_id", "customer_email", "last_score", "last_comment", "last_answer_at", "consent_at"],
        [["c1", "c1@example.com", "10", "love it", OLD, OLD]],
    )
    report = _run(path, mapping="cxplatform")
    assert report.history == 1
    feedback_services.feedback_analyse_all_pending()
    assert Response.objects.get().consent_to_contact is True
    assert not Advocate.objects.exists()


def test_formbricks_xlsx(tmp_path, survey):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "No.",
            "Response ID",
            "Timestamp",
            "Finished",
            "Survey ID",
            "User ID",
            "1. How likely are you to recommend us?",
            "2. What is the main reason for your score?",
        ]
    )
    sheet.append([1, "fb-1", datetime(2025, 5, 2, 8, 30), "Yes", "s1", "u1", 6, "slow support"])
    sheet.append([2, "fb-2", datetime(2025, 5, 3, 9, 0), "No", "s1", "", None, ""])
    path = tmp_path / "formbricks.xlsx"
    book.save(path)
    report = _run(path, mapping="formbricks", kind="xlsx")
    assert (report.history, report.refused, report.refusals) == (1, 1, [(3, "score: missing.")])
    response = Response.objects.get()
    assert (response.score, response.comment, response.customer.external_id) == (6, "slow support", "u1")


def test_command_exits_non_zero_on_a_bad_mapping_or_file(tmp_path, survey):
    path = _delighted(tmp_path, [["r1", "p1", "", "", "9", "", OLD]])
    with pytest.raises(CommandError, match="No mapping is named 'nope'"):
        call_command("import_responses", str(path), survey="S", mapping="nope", verbosity=0)
    bad = _csv(tmp_path / "bad.csv", ["when", "what"], [["x", "y"]])
    with pytest.raises(CommandError, match="no column for score"):
        call_command("import_responses", str(bad), survey="S", mapping="delighted", verbosity=0)
    call_command("import_responses", str(path), survey="S", mapping="delighted", verbosity=0)
    assert Response.objects.count() == 1


def test_a_year_of_answers_continues_the_trend(tmp_path, survey):
    # given a live answer this month and a year of history before it
    response_submit(survey_key=survey.public_key, score=10)
    months = [datetime(2025, month, 15, 12, tzinfo=UTC).isoformat() for month in range(1, 13)]
    path = _delighted(tmp_path, [[f"r{i}", f"p{i}", "", "", str(i % 11), "", at] for i, at in enumerate(months)])
    # when it is imported and the rollups fold
    assert _run(path).history == 12
    score_rollups_fold()
    # then the monthly series holds the twelve months before this one
    buckets = ScoreRollup.objects.filter(survey_id=survey.pk, grain=ScoreRollup.Grain.MONTH_ALL)
    assert buckets.count() == 13
    assert sum(sum(getattr(row, f"s{n}") for n in range(11)) for row in buckets) == 13


def test_rows_no_column_can_hold_or_no_date_can_be_are_refused_by_name(tmp_path, survey):
    path = _delighted(
        tmp_path,
        [
            ["r1", "p1", "", "", "9", "a\x00b", OLD],
            ["r2", "p2", "", "", "9", "", "1700000000000"],
            ["r3", "p\u202e3", "", "", "9", "", OLD],
            ["r4", "p4", "", "", "9", "", "99999999999999999999"],
        ],
    )
    report = _run(path)
    assert report.refusals == [
        (2, "comment: contains a NUL or an unpaired surrogate character."),
        (3, "submitted_at: 1700000000000 is not a date in Unix seconds."),
        (4, "external_id: contains invisible text-direction characters."),
        (5, "submitted_at: 99999999999999999999 is not a date in Unix seconds."),
    ]
    assert not Response.objects.exists()


def test_a_live_row_without_its_customer_on_a_survey_that_requires_one_is_refused(tmp_path, survey):
    survey.require_identity = True
    survey.save()
    now = datetime.now(UTC).isoformat()
    path = _delighted(tmp_path, [["r1", "", "", "", "9", "", now], ["r2", "p2", "", "", "9", "", now]])
    report = _run(path, cutoff=datetime.now(UTC) - timedelta(days=1))
    assert report.refusals == [(2, "external_id: this survey takes answers from known customers only; none is given.")]
    assert report.live == 1


def test_a_rerun_never_brings_back_a_forgotten_customer(tmp_path, survey):
    from surveys.services.privacy import customer_forget

    path = _delighted(tmp_path, [["r1", "p1", "a@example.com", "Ann", "9", "", OLD]])
    _run(path)
    customer_forget(external_id="p1", via="api")
    again = _run(path)
    assert again.skipped == 1
    assert not Customer.objects.filter(external_id="p1").exists()
