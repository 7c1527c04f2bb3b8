"""Tests for feedback/analysis: the one interface, the routing, the rules, and the backends' import boundary."""

import ast
import time
from pathlib import Path

import numpy as np
import pytest

from feedback import analysis
from feedback.analysis import TextAnalysis, analyze, analyze_many, analyzer_name, lexicon_zh, train, warm_up
from feedback.analysis.routing import route
from feedback.analysis.text import MAX_CHARS, clip, to_simplified

PACKAGE = Path(analysis.__file__).resolve().parent


def _consistent(result: TextAnalysis) -> bool:
    """A label never contradicts the polarity: its sign, or for "neu" a polarity inside a neutral band."""
    widest_band = max(analysis.backend(language).neutral_band() for language in ("en", "zh"))
    return {
        "pos": result.polarity > 0,
        "neg": result.polarity < 0,
        "neu": -1 <= result.polarity <= 1 and abs(result.polarity) < widest_band,
    }[result.label]


# --- languages and edge cases ----------------------------------------------------------------------------------


def test_topic_words_of_the_cx_dictionary_stay_keywords_whatever_they_start_with():
    assert "更新" in analyze("更新以后一直闪退，客服也不回复").keywords
    assert "超时" in analyze("配送超时了两个小时").keywords
    assert "太慢" not in analyze("退款太慢了").keywords  # a feeling, not a topic


def test_simplified_chinese_complaint():
    result = analyze("退款太慢了，客服也不回复")

    assert result.language == "zh"
    assert result.label == "neg"
    assert "退款" in result.keywords
    assert "客服" in result.keywords


def test_traditional_chinese_is_read_and_keywords_stay_traditional():
    result = analyze("客服態度很差，退款一直沒處理")

    assert result.language == "zh"
    assert result.label == "neg"
    assert {"客服", "退款"} <= set(result.keywords)
    assert "態度" in result.keywords
    assert "态度" not in result.keywords


def test_traditional_and_simplified_agree():
    traditional = analyze("這家店的服務很好，東西也很滿意，下次還會再來")
    simplified = analyze("这家店的服务很好，东西也很满意，下次还会再来")

    assert traditional.label == simplified.label == "pos"
    assert traditional.polarity == pytest.approx(simplified.polarity)


def test_english_praise_and_complaint():
    praise = analyze("Support answered within minutes and fixed my login, great service!")
    complaint = analyze("The billing page crashes at checkout and nobody from support replies")

    assert (praise.language, praise.label) == ("en", "pos")
    assert (complaint.language, complaint.label) == ("en", "neg")


@pytest.mark.parametrize(
    "text",
    ["good product but 客服 took a week", "退款太慢了, terrible support 😡", "The app 很好用, love it"],
)
def test_mixed_language_text_is_mixed(text):
    result = analyze(text)

    assert result.language == "mixed"
    assert all(keyword in text for keyword in result.keywords)


def test_mixed_complaint_is_negative_and_has_keywords_from_both_parts():
    result = analyze("退款太慢了, terrible support 😡")

    assert result.label == "neg"
    assert "退款" in result.keywords
    assert "support" in result.keywords


def test_a_latin_brand_inside_chinese_stays_chinese():
    assert analyze("iPhone屏幕很清晰，很喜欢").language == "zh"


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_and_whitespace(text):
    result = analyze(text)

    assert (result.language, result.label, result.keywords) == ("other", "neu", ())
    assert result.polarity == 0


@pytest.mark.parametrize(("text", "label"), [("😡", "neg"), ("👍👍", "pos"), ("🤬😡", "neg"), ("❤️", "pos")])
def test_emoji_only_comments_get_the_emoji_sentiment(text, label):
    result = analyze(text)

    assert (result.language, result.label, result.keywords) == ("other", label, ())


def test_emoji_tip_an_english_comment():
    assert analyze("checkout 👍").polarity > analyze("checkout 😡").polarity


@pytest.mark.parametrize("text", ["日本語のレビューです、とても良い", "배송이 빨라요 좋아요", "Очень хороший сервис"])
def test_scripts_without_a_backend_are_other(text):
    result = analyze(text)

    assert result.language == "other"
    assert result.keywords == ()


@pytest.mark.parametrize(("text", "language"), [("great", "en"), ("terrible", "en"), ("好", "zh"), ("差", "zh")])
def test_one_word(text, language):
    result = analyze(text)

    assert result.language == language
    assert _consistent(result)


def test_one_word_sentiment():
    assert analyze("terrible").polarity < 0 < analyze("excellent").polarity
    assert analyze("差评").polarity < 0 < analyze("好评").polarity


def test_very_long_text_is_clipped_fast_and_keywords_come_from_it():
    text = "物流很快，包装完好，客服回复及时。" * 3000  # 51,000 characters

    started = time.perf_counter()
    result = analyze(text)
    elapsed = time.perf_counter() - started

    assert len(text) > 50_000
    assert result.label == "pos"
    assert elapsed < 1.0
    assert "物流" in result.keywords
    assert all(keyword in text[:MAX_CHARS] for keyword in result.keywords)


def test_very_long_text_without_any_break_does_not_crash():
    result = analyze("a" * 60_000)

    assert result.label in {"pos", "neu", "neg"}


def test_clip_cuts_at_a_sentence_end():
    text = ("The checkout failed again. " * 200).strip()

    clipped = clip(text)

    assert len(clipped) <= MAX_CHARS
    assert clipped.endswith(".")
    assert text.startswith(clipped)


# --- sentiment rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["不太满意", "不是很好", "一点也不好用", "not good", "the support was not helpful at all"]
)
def test_negated_praise_is_negative(text):
    assert analyze(text).label == "neg"


@pytest.mark.parametrize("text", ["not bad at all", "我觉得不差，挺好的", "no complaints, works perfectly"])
def test_negated_complaint_is_not_negative(text):
    assert analyze(text).polarity > 0


@pytest.mark.parametrize("text", ["ok", "OK.", "fine", "meh", "还行", "一般", "一般般", "還可以", "n/a", "无"])
def test_filler_comments_are_neutral(text):
    result = analyze(text)

    assert result.label == "neu"
    assert _consistent(result)


@pytest.mark.parametrize("text", ["the app is fast, but the export keeps failing", "菜很好吃，但是送餐太慢了"])
def test_what_follows_the_turn_decides(text):
    assert analyze(text).label == "neg"


@pytest.mark.parametrize(
    "text",
    [
        "great, another outage 🙄",
        "yeah right, best support ever",
        "Oh great, the app crashed again",
        "真是谢谢你们了，又让我等了三个小时",
    ],
)
def test_sarcasm_is_negative(text):
    assert analyze(text).label == "neg"


def test_polarity_is_bounded_and_labels_agree_with_it():
    texts = ["", "ok", "非常好", "垃圾", "love it", "hate it", "good product but 客服 took a week", "😡", "一般"]

    for result in analyze_many(texts):
        assert -1 <= result.polarity <= 1
        assert _consistent(result)


# --- keywords --------------------------------------------------------------------------------------------------


def test_english_keywords_are_cx_topics_in_the_text():
    keywords = analyze("The billing page crashes at checkout").keywords

    assert "billing" in keywords
    assert "checkout" in keywords
    assert "The" not in keywords
    assert keywords.index("billing") < keywords.index("page")


def test_english_keywords_keep_the_customers_spelling_and_skip_stop_words():
    keywords = analyze("My Refund for the Delivery never arrived, and I waited for hours").keywords

    assert "Refund" in keywords
    assert "Delivery" in keywords
    assert not {"my", "the", "hours", "I"} & {keyword.lower() for keyword in keywords}


def test_chinese_keywords_are_best_first_and_not_stop_words():
    keywords = analyze("快递太慢了，等了一个星期，客服也不处理，退款申请一直没有结果").keywords

    assert keywords
    assert len(keywords) <= 8
    assert {"快递", "客服", "退款"} <= set(keywords)
    assert not {"一个", "没有", "也", "了"} & set(keywords)


def test_user_dictionary_keeps_cx_words_whole():
    keywords = analyze("每次打开就闪退，工单提交了也没人管，发票也开不出来").keywords

    assert {"闪退", "工单", "发票"} <= set(keywords)


def test_keywords_are_exactly_as_written():
    texts = ["客服態度很差，退款一直沒處理", "The Checkout page is slow", "退款太慢了, terrible support 😡"]

    for text, result in zip(texts, analyze_many(texts), strict=True):
        assert all(keyword in text for keyword in result.keywords)


# --- batching, versions, backends -------------------------------------------------------------------------------


def test_analyze_many_equals_analyze_one_by_one():
    texts = [
        "退款太慢了，客服也不回复",
        "客服態度很差，退款一直沒處理",
        "The billing page crashes at checkout",
        "good product but 客服 took a week",
        "",
        "👍",
        "ok",
        "yeah right",
        "x" * 5000,
    ]

    assert analyze_many(texts) == [analyze(text) for text in texts]
    assert analyze_many([]) == []


def test_analyzer_names_each_backend_and_its_versions():
    name = analyzer_name()

    assert name.startswith("cx-text 3; ")
    assert "en: cx-lr " in name
    assert " + tfidf-lr " in name
    assert "vader 3.3.2" in name
    assert "textblob 0.20.1" in name
    assert "zh: cx-lr " in name
    assert "jieba 0.42.1" in name
    assert name == analysis.ANALYZER
    assert analyze("fine").analyzer == name


def test_warm_up_loads_every_backend():
    warm_up()

    assert analyze("好").analyzer == analyzer_name()


def test_backends_come_from_settings(settings):
    settings.CX_ANALYSIS_BACKENDS = {"en": "feedback.analysis.english"}

    result = analyze("退款太慢了, terrible support")

    assert result.language == "mixed"
    assert result.label == "neg"
    assert "zh:" not in analyzer_name()
    assert "退款" not in result.keywords


def test_analysis_result_is_immutable():
    result = analyze("fine")

    with pytest.raises(AttributeError):
        result.label = "pos"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("library", "owner"), [("textblob", "english.py"), ("vaderSentiment", "english.py"), ("jieba", "chinese.py")]
)
def test_only_its_backend_imports_an_nlp_library(library, owner):
    importers = {path.name for path in PACKAGE.rglob("*.py") if library in _imported_modules(path)}

    assert importers == {owner}


def _imported_modules(path: Path) -> set[str]:
    """Return the top-level names of every module a source file imports, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


# --- pure helpers ----------------------------------------------------------------------------------------------


def test_to_simplified_keeps_length_and_positions():
    text = "客服態度很差，退款一直沒處理 ＡＰＰ"

    simplified = to_simplified(text)

    assert simplified == "客服态度很差,退款一直没处理 APP"
    assert len(simplified) == len(text)


def test_route_splits_mixed_text_by_script():
    routed = route("退款太慢了, terrible support 😡")

    assert routed.language == "mixed"
    assert [part.language for part in routed.parts] == ["zh", "en"]
    assert "退款太慢了" in routed.parts[0].text
    assert "terrible support" in routed.parts[1].text


def test_exported_model_scores_like_scikit_learn(tmp_path):
    # given a small English model fitted by the training code
    texts = ["great support, fast refund", "terrible billing, slow refund", "love the app", "the app crashes", "ok"] * 4
    labels = np.asarray([1, 0, 1, 0, 1] * 4)
    extras = train.extra_features("en", texts)
    fitted = train.fit("en", texts, labels, extras, 4.0)

    # when it is exported and loaded as the backend loads it
    model = train.export(fitted, tmp_path / "en", {"trained": "test", "neutral_band": 0.3})

    # then it gives scikit-learn's decision values
    probe = ["great refund", "slow app crashes", "nothing in the vocabulary", ""]
    expected = fitted.regression.decision_function(
        train._stack(
            [vectorizer.transform(probe) for vectorizer in fitted.vectorizers], train.extra_features("en", probe)
        )
    )
    assert model.decision(probe, train.extra_features("en", probe)) == pytest.approx(expected, abs=1e-5)


def test_choose_band_is_the_widest_band_right_at_most_two_times_in_three():
    polarity = np.asarray([0.05, -0.1, 0.15, -0.2, 0.6, -0.7, 0.8, -0.9, 0.95, 0.97])
    labels = np.asarray([0, 1, 1, 0, 1, 0, 1, 0, 1, 1])  # weak verdicts are right half the time, strong ones always

    band = train.choose_band(polarity, labels, ceiling=2 / 3, limits=(0.0, 1.0))

    inside = np.abs(polarity) <= band
    assert band == pytest.approx(0.7)
    assert np.mean((polarity[inside] > 0) == labels[inside]) <= 2 / 3
    assert train.choose_band(polarity, labels, ceiling=2 / 3, limits=(0.05, 0.5)) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("很满意", (1, 0, 0, 0)),
        ("不太满意", (0, 0, 1, 0)),
        ("一点也不好用", (0, 0, 1, 0)),
        ("没有问题", (0, 0, 0, 1)),
        ("不算贵，送餐特别快", (1, 0, 0, 1)),
        ("不好，慢", (0, 1, 1, 0)),
    ],
)
def test_lexicon_counts_negated_words_apart(text, hits):
    assert lexicon_zh.hits(text) == hits


@pytest.mark.parametrize(
    ("text", "label"), [("Great", "pos"), ("Great!", "pos"), ("Terrible", "neg"), ("Awful 😡", "neg")]
)
def test_one_word_has_nothing_to_be_ironic_about(text, label):
    assert analyze(text).label == label


def test_contractions_and_days_are_never_keywords():
    keywords = {keyword.lower() for keyword in analyze("We've waited since Monday and it's still broken").keywords}
    assert not keywords & {"we've", "it's", "monday"}
