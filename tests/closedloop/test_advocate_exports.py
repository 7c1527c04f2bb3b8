"""The advocate export as files (CSV through COPY or Python, XLSX), moving advocates along, and referral figures."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from closedloop import exports, rules, selectors, services
from closedloop.models import Advocate, AdvocateExport
from common.sql import portable_paths
from tests.closedloop.factories import AdvocateFactory, ReferralFactory

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/advocates/export/"

TRICKY = [
    ("王小明", "上手很顺利，客服很专业 👍", "zh"),
    ("陳大文", "續約很簡單，推薦給朋友", "zh"),
    ("acme, inc.", 'said "wow", then left\na second line', "en"),
    ("formula", '=HYPERLINK("http://evil")', "en"),
    ("plus", "+1 for support", "en"),
    ("minus", "-2 stars? no, 10", "en"),
    ("at", "@channel the sync is great", "en"),
    ("tab", "\tindented praise", "en"),
    ("cr", "\rcarriage return first", "en"),
    ("mixed", "good product, 客服 很快 😀" * 3, "mixed"),
    ("empty", "", ""),
]


@pytest.fixture
def tricky():
    at = datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=UTC)
    return [
        AdvocateFactory(
            customer_external_id=external_id,
            customer_name=external_id.upper(),
            last_comment=comment,
            language=language,
            customer_account="" if external_id == "empty" else "华东贸易",
            last_answer_at=at - timedelta(minutes=n),
            consent_at=at - timedelta(minutes=n),
        )
        for n, (external_id, comment, language) in enumerate(TRICKY)
    ]


def csv_of(blocks) -> bytes:
    return b"".join(blocks)


@pytest.mark.postgres
def test_the_copy_export_writes_the_same_bytes_as_python_s_csv(tricky):
    copied = csv_of(exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={}))
    with portable_paths():  # the embedded path, on the same rows
        written = csv_of(exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={}))

    assert copied == written
    assert [log.row_count for log in AdvocateExport.objects.order_by("id")] == [len(TRICKY), len(TRICKY)]


def test_the_csv_defuses_formulas_and_keeps_chinese_text_and_emoji(tricky):
    import csv

    text = csv_of(exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={})).decode("utf-8")
    assert text.startswith("\ufeffcustomer_external_id,")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    by_customer = {row[0]: dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert len(by_customer) == len(TRICKY)
    assert by_customer["formula"]["last_comment"] == '\'=HYPERLINK("http://evil")'
    for name in ("plus", "minus", "at", "tab", "cr"):
        assert by_customer[name]["last_comment"].startswith("'")
    assert by_customer["王小明"]["last_comment"] == "上手很顺利，客服很专业 👍"
    assert by_customer["陳大文"]["customer_account"] == "华东贸易"
    assert by_customer["acme, inc."]["last_comment"] == 'said "wow", then left\na second line'
    assert by_customer["王小明"]["last_answer_at"] == "2026-11-30T08:15:30Z"
    assert by_customer["empty"]["customer_account"] == ""
    assert [row[0] for row in rows[1:3]] == ["王小明", "陳大文"]  # newest answer first


def test_the_xlsx_export_holds_the_same_rows_as_typed_cells(tricky, role_client):
    AdvocateFactory(customer_external_id="gone", status=Advocate.Status.OPTED_OUT)
    AdvocateFactory(customer_external_id="bell", last_comment="ring \x07 the bell")
    marketing = role_client("Marketing", "mei")

    res = marketing.get(EXPORT, {"format": "xlsx"})

    assert res.status_code == 200
    assert res["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert res["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(res.streaming_content)), read_only=True)[exports.XLSX_SHEET]
    rows = list(sheet.values)
    assert rows[0] == selectors.EXPORT_COLUMNS
    by_customer = {row[0]: dict(zip(selectors.EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_customer) == {name for name, _comment, _language in TRICKY} | {"bell"}  # never the opted out
    assert by_customer["formula"]["last_comment"] == '\'=HYPERLINK("http://evil")'
    assert by_customer["陳大文"]["last_comment"] == "續約很簡單，推薦給朋友"
    assert by_customer["bell"]["last_comment"] == "ring  the bell"  # XML cannot hold a control character
    assert by_customer["王小明"]["last_answer_at"] == "2026-11-30T08:15:30Z"  # UTC, as in the CSV
    assert by_customer["王小明"]["last_score"] == 10
    log = AdvocateExport.objects.get()
    assert (log.format, log.row_count, log.actor.username) == ("xlsx", len(TRICKY) + 1, "mei")


def test_an_unknown_export_format_is_a_400_naming_it(role_client):
    res = role_client("Marketing", "mei").get(EXPORT, {"format": "pdf"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"format"}
    assert not AdvocateExport.objects.exists()


# --- Moving advocates along --------------------------------------------------------------------------


def test_marketing_moves_advocates_along_and_the_rules_keep_the_rest(django_user_model):
    mei = django_user_model.objects.create_user("mei", is_staff=True)
    candidate, invited, gone, retired = (
        AdvocateFactory(),
        AdvocateFactory(status="invited"),
        AdvocateFactory(status="opted_out"),
        AdvocateFactory(status="inactive"),
    )

    moved = services.advocates_move(ids=[candidate.pk, invited.pk, gone.pk, retired.pk], to="active", actor=mei)

    assert moved.moved == 2
    assert sum(moved.refused.values()) == 2
    assert "An advocate who is opted_out cannot become active." in moved.refused
    statuses = dict(Advocate.objects.values_list("pk", "status"))
    after = [statuses[advocate.pk] for advocate in (candidate, invited, gone, retired)]
    assert after == ["active", "active", "opted_out", "inactive"]
    candidate.refresh_from_db()
    assert candidate.status_changed_by == mei
    assert candidate.status_changed_at is not None


def test_moves_the_rules_allow():
    assert rules.advocate_move_error(current="candidate", target="invited") is None
    assert rules.advocate_move_error(current="invited", target="declined") is None
    assert rules.advocate_move_error(current="declined", target="active") is not None
    assert rules.advocate_move_error(current="active", target="candidate") is not None
    assert "by hand" in rules.advocate_move_error(current="candidate", target="opted_out")


# --- Referral figures ----------------------------------------------------------------------------


def test_referral_figures_count_the_period_and_the_rules_make_the_rates():
    now = timezone.now()
    first, second = AdvocateFactory(visits=7), AdvocateFactory(status="invited", visits=3)
    ReferralFactory(advocate=first, kind="signup", occurred_at=now - timedelta(days=3))
    ReferralFactory(advocate=first, kind="conversion", revenue=Decimal("120.50"), occurred_at=now - timedelta(days=2))
    ReferralFactory(advocate=second, kind="conversion", revenue=Decimal("80"), occurred_at=now - timedelta(days=1))
    ReferralFactory(advocate=second, kind="conversion", revenue=Decimal("999"), occurred_at=now - timedelta(days=90))

    figures = selectors.referral_figures(since=now - timedelta(days=30), until=now)

    assert (figures.signups, figures.conversions, figures.converting_advocates) == (1, 2, 2)
    assert figures.revenue == Decimal("200.50")
    assert figures.link_visits == 10
    assert figures.advocates_by_status["candidate"] == 1
    assert figures.advocates_by_status["invited"] == 1
    assert figures.advocates_by_status["opted_out"] == 0
    assert rules.k_factor(referred_customers=figures.conversions, existing_customers=40) == 0.05
    assert rules.k_factor(referred_customers=3, existing_customers=0) is None
    assert rules.referral_roi(revenue=figures.revenue, conversions=2, reward_cost=Decimal("25")) == pytest.approx(3.01)
    assert rules.referral_roi(revenue=figures.revenue, conversions=2, reward_cost=Decimal("0")) is None
    assert (figures.conversion_rate, figures.reward_cost, figures.roi) == (2.0, Decimal(0), None)
    costed = selectors.referral_figures(since=now - timedelta(days=30), until=now, reward_cost=Decimal("25"))
    assert costed.roi == pytest.approx(3.01)  # (200.50 − 2 × 25) / (2 × 25), the admin's and the insights' ROI
    assert costed.reward_cost == Decimal("25")


def test_a_control_character_before_a_formula_does_not_make_a_live_xlsx_formula():
    AdvocateFactory(customer_external_id="sneaky", last_comment='\x01=HYPERLINK("http://evil","click")')
    target = exports.xlsx_file(selectors.AdvocateFilters(), actor=None, logged={})
    sheet = load_workbook(target)[exports.XLSX_SHEET]
    comment = sheet.cell(row=2, column=selectors.EXPORT_COLUMNS.index("last_comment") + 1)
    assert comment.data_type == "s"
    assert comment.value == '\'=HYPERLINK("http://evil","click")'


def test_an_opt_out_that_raced_the_advocate_s_creation_still_keeps_them_out_of_exports():
    from closedloop.models import AdvocateOptOut

    raced = AdvocateFactory(customer_external_id="raced")  # made after the opt-out was read
    AdvocateOptOut.objects.create(customer_id=raced.customer_id)
    AdvocateFactory(customer_external_id="kept")
    assert [row[0] for row in selectors.advocates_exportable()] == ["kept"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_copy_cancelled_part_way_leaves_the_connection_usable_and_logs_the_rows_sent():
    """Enough rows that the server is still sending when the client goes away, so psycopg cancels the COPY."""
    AdvocateFactory.create_batch(3000, last_comment="很长的评论 long comment 😀 " * 40)
    lines = exports.csv_stream(selectors.AdvocateFilters(), actor=None, logged={})
    next(lines), next(lines)  # the header and the first block
    lines.close()

    log = AdvocateExport.objects.get()
    assert 0 < log.row_count < 3000
    assert Advocate.objects.count() == 3000  # the connection still answers
