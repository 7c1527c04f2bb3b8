"""The three-class reading: confidences, aspects per clause, requests, negation scope, and the CX set's split."""

import hashlib

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from feedback.analysis import analyze, analyze_many, aspects, backend, cues, cx, cxset, train_cx


def test_the_label_is_the_likeliest_class_and_the_confidence_its_probability():
    for result in analyze_many(["Never had a problem with the sync.", "The export keeps failing", "还行吧，看后续"]):
        assert 1 / 3 <= result.confidence <= 1
        assert -1 <= result.polarity <= 1
    assert analyze("Never had a problem with the sync.").label == "pos"  # a negated problem is praise
    assert analyze("The export keeps failing").label == "neg"


def test_each_keyword_takes_the_polarity_of_its_own_clause():
    result = analyze("The app is fast, but the export keeps failing")
    assert result.label == "neg"
    assert {aspect.term: aspect.label for aspect in result.aspects} == {"export": "neg", "app": "pos"}
    chinese = analyze("客服很好，但是退款太慢了")
    assert {aspect.term: aspect.label for aspect in chinese.aspects} == {"客服": "pos", "退款": "neg"}


def test_a_keyword_in_one_clause_takes_the_comments_label():
    result = analyze("The export keeps failing")
    assert [(aspect.term, aspect.label) for aspect in result.aspects] == [("export", "neg")]


def test_a_keyword_is_found_as_a_whole_word():
    text = "Unhappy with support, the app is great"
    assert aspects.find_word(text, "app") == text.index(" app ") + 1  # not the "app" inside "Unhappy"
    assert aspects.find_word("Unhappy", "app") == -1
    assert aspects.find_word("手機App常常自動登出", "App") == 2
    assert aspects.keyword_clauses("Support was great, billing is a mess", ["billing", "Support"]) == {
        "billing": " billing is a mess",
        "Support": "Support was great",
    }
    assert aspects.keyword_clauses("the export and the app are slow", ["export", "app"]) is None  # one clause


@pytest.mark.parametrize(
    ("comment", "clause", "confidence", "review", "expected"),
    [
        ("neg", "pos", 0.9, 0.3, "pos"),  # the clause says otherwise, surely, and the review model agrees
        ("neg", "pos", 0.9, -0.08, "pos"),  # an unsure review model does not veto
        ("neg", "pos", 0.9, -0.6, "neg"),  # a review model clearly the other way does
        ("neg", "pos", 0.5, 0.9, "neg"),  # not sure enough
        ("pos", "neu", 0.95, 0.0, "pos"),  # a neutral clause leaves the comment's label
    ],
)
def test_a_clause_label_stands_only_when_sure_and_not_contradicted(comment, clause, confidence, review, expected):
    assert aspects.aspect_label(comment, clause, confidence, review) == expected


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Could you add a dark mode?", True),
        ("希望能加一个导出PDF的功能", True),
        ("Please add an option to export to PDF.", True),
        ("Is there a way to export to PDF?", False),  # a question about what exists, as the CX set tags it
        ("The export keeps failing", False),
        ("客服很专业，回复很快 👍", False),
    ],
)
def test_a_comment_that_asks_for_something_is_a_request(text, asks):
    assert analyze(text).is_request is asks


def test_a_request_or_a_status_report_is_neutral():
    assert analyze("Could the dashboard remember my filters between sessions?").label == "neu"
    assert analyze("The refund arrived today.").label == "neu"


def test_only_feelings_in_a_negations_scope_are_marked():
    valence = {"helpful": 1.9, "problem": -1.7}
    assert cues.mark_negation("Not helpful at all", valence) == "not not_helpful negated_positive at all"
    assert cues.mark_negation("never had a problem, great", valence) == (
        "never had a not_problem negated_negative , great"
    )
    assert cues.mark_negation("helpful, but no problem", valence) == "helpful , but no not_problem negated_negative"


def test_the_cx_set_splits_the_same_way_every_time_and_keeps_its_held_out_part_apart():
    for language, files in cxset.FILES.items():
        train, held_out = cxset.comments(language)
        rows = sum(len(cxset.read_file(cxset.CXSET_DIR / f"{name}.csv")) for name in files)
        assert len(train) + len(held_out) == rows
        assert len(held_out) == pytest.approx(rows * cxset.HELD_OUT_SHARE, abs=len(files))
        assert not {comment.id for comment in train} & {comment.id for comment in held_out}
        assert [comment.id for comment in held_out] == [comment.id for comment in cxset.comments(language)[1]]
        assert {comment.label for comment in held_out} == set(cx.CLASSES)


def test_every_annotated_topic_is_written_in_its_comment():
    for _language, comment in cxset.all_comments():
        assert comment.label in cx.CLASSES
        for keyword in comment.keywords:
            assert keyword in comment.text
        assert [term for term, _label in comment.aspects] == list(comment.keywords)


def test_a_text_read_as_a_review_takes_the_review_models_direction_and_keeps_its_neutral_share():
    probabilities = np.tile([0.5, 0.3, 0.2], (3, 1))  # neg, neu, pos: leaning negative
    likeness = np.asarray([cx.GATE_FROM - 0.1, (cx.GATE_FROM + cx.GATE_FULL) / 2, cx.GATE_FULL])
    mixed = cx.toward_review(probabilities, np.full(3, 0.8), likeness)
    assert (mixed[0] == probabilities[0]).all()  # below the gate: the CX model's reading, untouched
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0)
    np.testing.assert_allclose(mixed[:, 1], 0.3)  # whether it is neutral stays the CX model's call
    halfway = (-0.3 / 0.7 + 0.8) / 2  # half the CX model's direction, half the review model's
    np.testing.assert_allclose(mixed[1], [0.7 * (1 - halfway) / 2, 0.3, 0.7 * (1 + halfway) / 2])
    np.testing.assert_allclose(mixed[2], [0.07, 0.3, 0.63])  # all of the review model's direction


@pytest.mark.parametrize(
    ("language", "reviews", "cx_comments"),
    [
        (
            "en",
            [
                "The food was delicious and the waiter was attentive.",
                "This movie was a waste of time, terrible acting.",
            ],
            [
                "The export to CSV keeps failing since the last update.",
                "Great, another outage right before our board meeting.",
                "Could the dashboard remember my filters between sessions?",
            ],
        ),
        (
            "zh",
            ["房间很干净，早餐种类丰富，下次还会入住", "这个手机电池太不耐用了，屏幕也有划痕"],
            ["客服很好，但是退款太慢了", "导出报表一直失败，工单也没人回"],
        ),
    ],
)
def test_the_gate_tells_a_review_from_a_cx_comment(language, reviews, cx_comments):
    likeness = cx.review_likeness(language, [cx.prepare(language, text) for text in reviews + cx_comments])
    assert (likeness[: len(reviews)] > cx.GATE_FULL).all()
    assert (likeness[len(reviews) :] < cx.GATE_FROM).all()


def test_a_mixed_comment_gives_its_english_topic_as_a_keyword_however_short():
    result = analyze("视频会员的 subscription 取消不了，页面一直 loading")
    assert result.language == "mixed"
    assert "subscription" in result.keywords[:3]


def test_own_weights_give_cx_rows_and_review_rows_their_own_copy_and_ship_the_cx_reading():
    matrix = csr_matrix(np.asarray([[1.0, 2.0], [3.0, 4.0]]))
    fitted = train_cx.with_own_weights("en", matrix, np.asarray([False, True])).toarray()
    np.testing.assert_array_equal(fitted, [[1, 2, 1, 2, 0, 0], [3, 4, 0, 0, 3, 4]])
    read_as_cx = train_cx.with_own_weights("en", matrix).toarray()
    np.testing.assert_array_equal(read_as_cx, [[1, 2, 1, 2, 0, 0], [3, 4, 3, 4, 0, 0]])
    coef = np.arange(12.0).reshape(2, 6)
    shipped = train_cx.shipped_coef("en", coef, 2)
    np.testing.assert_array_equal(shipped, [[2, 4], [14, 16]])  # shared + CX weights: a CX comment's score
    np.testing.assert_array_equal(read_as_cx[:, :6] @ coef.T, matrix.toarray() @ shipped.T)
    assert train_cx.with_own_weights("zh", matrix) is matrix


def test_taiwan_usage_gives_whole_topics_in_traditional_characters():
    result = analyze("帳號一直登入不了，客服專線也打不通")
    assert set(result.keywords[:3]) == {"帳號", "登入", "客服專線"}  # not 帳, 號, 專線 …
    chinese = analyze("外送員態度很好，但外送費太貴")
    assert {aspect.term: aspect.label for aspect in chinese.aspects if aspect.term.startswith("外送")} == {
        "外送員": "pos",
        "外送費": "neg",
    }


def test_the_first_files_keep_the_held_out_rows_they_were_reported_on():
    """Adding files never moves a comment of the first ones between the train and the held-out part."""
    for language, digest in (("en", "44a88f1ba1df0aa1"), ("zh", "56eed71159b239af")):
        first = [comment.id for comment in cxset.comments(language)[1] if comment.id[2] in "ab"]
        assert (len(first), hashlib.sha256(" ".join(first).encode()).hexdigest()[:16]) == (240, digest)


def test_irony_short_chinese_and_languages_without_a_gate_keep_the_cx_models_reading(monkeypatch):
    texts = ["呵呵，真棒", "真是谢谢你们让我白跑一趟，服务太贴心了"]  # too short for the gate; an irony marker
    gated = cx.read("zh", texts, backend("zh").polarities).probabilities
    monkeypatch.setattr(cx, "gate", lambda language: None)
    assert cx.review_likeness("zh", ["酒店位置不错，早餐很丰富"]).tolist() == [0.0]
    np.testing.assert_array_equal(gated, cx.read("zh", texts, backend("zh").polarities).probabilities)
    assert gated[0].argmax() == cx.CLASSES.index("neg")
