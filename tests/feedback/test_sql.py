"""feedback's SQL: the item upsert its sources compose, and each PostgreSQL fast path against its portable twin."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from feedback import selectors, services
from feedback.analysis_queue import ResultRow, results_write
from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem, Theme, ThemeTerm
from tests.sql_paths import same_on_each_path

# --- FeedbackItemUpsert: what a source's statement composes ------------------------------------------


def test_the_item_upsert_takes_the_named_fields_from_the_callers_relations_and_the_rest_as_parameters():
    upsert = services.FeedbackItemUpsert(
        (
            services.FromRelation("answer", (("source_id", "id"), ("customer_id", "customer_id"))),
            services.FromRelation("customer", (("customer_email", "email"),)),
        )
    )
    source = FeedbackSource(source="response", source_id=424242, text="退款 😡", given_at=timezone.now(), score=2)
    sql, params = upsert.sql(), upsert.params(source)
    quote = connection.ops.quote_name
    assert sql.startswith(f"INSERT INTO {quote(FeedbackItem._meta.db_table)} (")
    assert f"FROM {quote('answer')}, {quote('customer')} ON CONFLICT (source, source_id) DO UPDATE SET" in sql
    assert f"{quote('answer')}.{quote('id')}" in sql
    assert f"{quote('customer')}.{quote('email')}" in sql
    assert sql.count("%s") == len(params)
    assert "退款 😡" in params
    assert 424242 not in params  # source_id comes from the answer, not from the source value
    assert upsert.sql() is upsert.sql()  # built once per process


@pytest.mark.parametrize(
    ("relation", "columns", "message"),
    [
        ("answer", (("no_such_field", "id"),), "Not FeedbackSource fields: no_such_field"),
        ("answer; DROP TABLE x", (("source_id", "id"),), "not a plain lower-case SQL name"),
        ("answer", (("source_id", 'id" --'),), "not a plain lower-case SQL name"),
        ("Answer", (("source_id", "id"),), "not a plain lower-case SQL name"),
    ],
)
def test_the_item_upsert_refuses_unknown_fields_and_anything_but_plain_names(relation, columns, message):
    with pytest.raises(ValueError, match=message):
        services.FromRelation(relation, columns)


def test_the_item_upsert_refuses_a_field_given_twice_or_no_relation():
    answer = services.FromRelation("answer", (("source_id", "id"),))
    with pytest.raises(ValueError, match="two relations"):
        services.FeedbackItemUpsert((answer, services.FromRelation("other", (("source_id", "id"),))))
    with pytest.raises(ValueError, match="at least one relation"):
        services.FeedbackItemUpsert(())


# --- Both paths on the same data ---------------------------------------------------------------------------


def _item(n, score, keywords, **fields):
    defaults = {"text": "…", "survey_kind": "nps", "survey_id": 1, "status": FeedbackItem.Status.ANALYSED}
    return FeedbackItem.objects.create(
        source="response",
        source_id=n,
        score=score,
        keywords=keywords,
        given_at=timezone.now(),
        **{**defaults, **fields},
    )


@pytest.mark.django_db
def test_results_are_written_alike_on_both_paths():
    pending = {"status": FeedbackItem.Status.PENDING, "claimed_by": "run-a", "attempts": 1}
    mine = [_item(n, 5, [], **pending) for n in range(3)]
    taken_over = _item(3, 5, [], **{**pending, "claimed_by": "run-b"})
    done = _item(4, 5, ["old"], language="en", label="neu", analyzer="v1")
    now = timezone.now()
    rows = [
        ResultRow(
            mine[0].id,
            True,
            "analysed",
            "zh",
            -0.75,
            "neg",
            0.81,
            ["退款", "客服"],
            [{"term": "退款", "label": "neg"}, {"term": "客服", "label": "pos"}],
            True,
            "zh-v2",
        ),
        ResultRow(mine[1].id, False, None, last_error="ValueError: 坏了"),
        ResultRow(mine[2].id, False, "failed", last_error="RuntimeError: again"),
        ResultRow(taken_over.id, True, "analysed", "en", 0.5, "pos", 0.7, ["fast"], [], False, "en-v2"),
    ]

    def write():
        claimed = results_write(rows, claim="run-a", now=now)
        unclaimed = results_write(
            [ResultRow(done.id, True, "analysed", "mixed", 0.0, "neu", 0.5, [], [], False, "v3")], claim=None, now=now
        )
        items = FeedbackItem.objects.order_by("id").values_list(
            "id",
            "status",
            "language",
            "polarity",
            "label",
            "keywords",
            "analyzer",
            "analysed_at",
            "last_error",
            "claimed_by",
            "updated_at",
            "confidence",
            "aspects",
            "is_request",
        )
        return claimed, unclaimed, list(items)

    claimed, unclaimed, items = same_on_each_path(write)
    assert claimed == [mine[0].id]
    assert unclaimed == [done.id]
    by_id = {item[0]: item for item in items}
    assert by_id[mine[0].id][1:8] == ("analysed", "zh", -0.75, "neg", ["退款", "客服"], "zh-v2", now)
    assert by_id[mine[0].id][11:] == (0.81, [{"term": "退款", "label": "neg"}, {"term": "客服", "label": "pos"}], True)
    assert by_id[mine[1].id][1] == "pending"
    assert by_id[mine[1].id][8:10] == ("ValueError: 坏了", "")  # freed for a later run
    assert by_id[mine[2].id][1] == "failed"
    assert by_id[taken_over.id][1:3] == ("pending", "")  # another run's claim: untouched
    assert by_id[done.id][2] == "mixed"


@pytest.mark.django_db
def test_drivers_are_counted_alike_on_both_paths():
    delivery = Theme.objects.create(key="delivery", name_en="Delivery", name_zh="物流配送")
    ThemeTerm.objects.create(theme=delivery, term="Shipping")
    dormant = Theme.objects.create(key="dormant", name_en="Dormant", name_zh="休眠", active=False)
    ThemeTerm.objects.create(theme=dormant, term="sleepy")
    _item(1, 2, ["退款", "Refund", "客服"])
    _item(2, 3, ["退費", "shipping", "SHIPPING"], language="zh")
    _item(3, 9, ["checkout", "CheckOut", "sleepy"])
    _item(4, 10, [], text="")  # no comment: not counted
    _item(5, 10, [])  # a comment without keywords
    _item(6, 1, ["refund"], status=FeedbackItem.Status.PENDING)
    _item(7, 2, ["😡", "Ünïcode"], customer_plan="pro")
    now = timezone.now()

    def counts(**filters):
        return lambda: selectors.driver_counts(
            survey_kind="nps", since=now - timedelta(days=1), before=now + timedelta(days=1), **filters
        )

    everything = same_on_each_path(counts())
    assert everything.commented == {2: 2, 3: 1, 9: 1, 10: 1}
    assert everything.drivers["theme:refunds"] == {2: 1, 3: 1}
    assert everything.drivers["theme:delivery"] == {3: 1}
    assert everything.drivers["keyword:checkout"] == {9: 1}
    assert everything.drivers["keyword:sleepy"] == {9: 1}
    assert everything.drivers["keyword:ünïcode"] == {2: 1}
    assert same_on_each_path(counts(plans=["pro"])).drivers == {"keyword:😡": {2: 1}, "keyword:ünïcode": {2: 1}}


@pytest.mark.django_db
def test_driver_tones_are_counted_alike_on_both_paths():
    # the shipped theme map: Support has support and agent, Billing has billing
    great_support_bad_billing = [{"term": "support", "label": "pos"}, {"term": "Billing", "label": "neg"}]
    _item(1, 2, ["support", "billing"], aspects=great_support_bad_billing)  # a detractor, as in the issue
    _item(2, 9, ["support", "agent"], aspects=[{"term": "support", "label": "pos"}, {"term": "agent", "label": "neg"}])
    _item(3, 8, ["billing"], aspects=[{"term": "billing", "label": "neu"}])
    _item(4, 3, ["support", "billing"])  # analysed before aspects existed: tone unknown
    _item(5, 4, ["support"], aspects=[{"term": "refund", "label": "neg"}])  # no aspect names its word
    _item(6, 5, ["support"], aspects={"support": "pos"})  # not a list: read as none
    now = timezone.now()

    counts = same_on_each_path(
        lambda: selectors.driver_counts(
            survey_kind="nps", since=now - timedelta(days=1), before=now + timedelta(days=1)
        )
    )

    assert counts.tones["theme:support"] == {2: {"pos": 1}, 9: {"mixed": 1}, 3: {"": 1}, 4: {"": 1}, 5: {"": 1}}
    assert counts.tones["theme:billing"] == {2: {"neg": 1}, 8: {"neu": 1}, 3: {"": 1}}
    assert counts.drivers["theme:support"] == {2: 1, 9: 1, 3: 1, 4: 1, 5: 1}
