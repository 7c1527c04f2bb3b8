"""The three-class reading: confidences, aspects per clause, requests, negation scope, and the CX set's split."""

import pytest

from feedback.analysis import analyze, analyze_many, aspects, cues, cx, cxset


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
        ("Is there a way to export to PDF?", True),
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
    for language in cxset.FILES:
        train, held_out = cxset.comments(language)
        assert (len(train), len(held_out)) == (960, 240)
        assert not {comment.id for comment in train} & {comment.id for comment in held_out}
        assert [comment.id for comment in held_out] == [comment.id for comment in cxset.comments(language)[1]]
        assert {comment.label for comment in held_out} == set(cx.CLASSES)


def test_every_annotated_topic_is_written_in_its_comment():
    for _language, comment in cxset.all_comments():
        assert comment.label in cx.CLASSES
        for keyword in comment.keywords:
            assert keyword in comment.text
        assert [term for term, _label in comment.aspects] == list(comment.keywords)
