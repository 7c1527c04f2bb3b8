"""Cues a three-class reading of a CX comment needs besides its words: negation scope, requests, questions,
hedges, status reports, sarcasm, emoji. Pure functions over text; cx.py turns them into the model's dense features.

The word lists are the kinds of sentence a CX comment takes, not the comments of any set: a request ("could you…",
"希望能…"), a question, a hedge ("I guess", "还行吧"), a report of what happened ("renewed last month", "今天刚开通").
The model learns how much each counts, per language, from the team's CX set (cxset.py).
"""

import re
from collections.abc import Mapping

from feedback.analysis import signals

_NEGATORS_EN = re.compile(
    r"(?:not|no|never|nothing|nobody|none|nor|without|hardly|barely|cannot|cant|wont|dont|doesnt|didnt|isnt|wasnt"
    r"|arent|werent|havent|hasnt|hadnt|couldnt|shouldnt|wouldnt|aint|.+n't|.+n’t)",
)
_SCOPE_END = frozenset({"but", "however", "though", "although", "yet", "except"})
_TOKEN_EN = re.compile(r"[\w'’]+|[.,!?;:]")
_PUNCTUATION = frozenset(".,!?;:")

REQUEST = {
    "en": re.compile(
        r"\b(?:could you|can you|would you|will you|please|pls|plz|would love|i'd love|we'd love|i wish|we wish"
        r"|it would be (?:great|nice|good|helpful|useful)|would be (?:great|nice|good|helpful|useful)|hoping"
        r"|option to|any plans?|is there a way|feature request|add(?:ing)? (?:a|an|the|more|support)|let us"
        r"|allow(?:ing)? (?:us|me|users)|support for|we need|i need|needs? (?:a|an|to)|should (?:be able|have|let)"
        r"|why not|make it possible|bring back)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"希望|建议|建議|能不能|可不可以|能否|可否|是否可以|是否能|麻烦|麻煩|请|請|如果能|要是能|如果可以|增加|加个|加個|加一个"
        r"|加一個|加入|能加|可以加|什么时候|什麼時候|何时|何時|期待|求|想要|盼|支援|支持一下|改成|改善一下|优化一下|優化一下"
    ),
}
QUESTION = {
    "en": re.compile(
        r"[?]|^(?:how|what|when|where|why|which|who|is|are|does|do|can|could|will|would|should)\b", re.IGNORECASE
    ),
    "zh": re.compile(r"[?？]|吗|嗎|么$|麼$|如何|怎么|怎麼|是否|多久|多少|哪里|哪裡|为什么|為什麼|有没有|有沒有"),
}
HEDGE = {
    "en": re.compile(
        r"\b(?:i guess|i suppose|guess|okay|ok|fine|so far|not sure|we'?ll see|time will tell|kind of|sort of|kinda"
        r"|sorta|mixed|meh|average|decent|alright|mostly|could be better|nothing special|does the job|it works"
        r"|not bad|not great|middle|fair|so-so|so so|too early|jury'?s? (?:still )?out|remains to be seen)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"还行|還行|一般|凑合|湊合|再看看|看后续|看後續|还可以|還可以|马马虎虎|馬馬虎虎|中规中矩|中規中矩|普通|差不多|说不上|說不上|有待"
        r"|再观察|再觀察|不好说|不好說|五五开|五五開|不置可否|还好|還好|先这样|先這樣|看情况|看情況|暂时|暫時|目前"
    ),
}
STATUS = {
    "en": re.compile(
        r"\b(?:switched|renewed|upgraded|downgraded|received|arrived|signed up|moved|ordered|called|contacted"
        r"|submitted|registered|cancell?ed|changed|updated|installed|migrated|started|joined|paid|got|was|were"
        r"|today|yesterday|last (?:week|month|year|quarter)|this (?:week|month|morning))\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"已经|已經|刚|剛|今天|昨天|上周|上週|上个月|上個月|到账|到帳|收到|开通|開通|办理|辦理|换成|換成|改成|升级了|升級了|迁移|遷移"
        r"|提交了|下单|下單|签了|簽了|续约了|續約了|续费了|續費了"
    ),
}
EXCLAIM = re.compile(r"[!！]")

FEATURES = (
    "request",
    "question",
    "hedge",
    "status",
    "sarcasm",
    "filler",
    "emoji score",
    "emoji count",
    "exclamation",
)


def mark_negation(text: str, valence: Mapping[str, float]) -> str:
    """Return lower-cased English tokens where a feeling word in a negation's scope is marked as negated.

    The scope runs from the negator to the next punctuation mark or contrast word. A word with a valence (VADER's
    lexicon) inside it becomes "not_<word>" followed by "negated_positive" or "negated_negative", so "not helpful"
    and "never had a problem" share what they have in common with every other negated feeling; words without a
    feeling stay as they are ("not at all" does not make "at" and "all" negative words).
    """
    marked = []
    negated = False
    for token in _TOKEN_EN.findall(text.lower()):
        if token in _PUNCTUATION or token in _SCOPE_END:
            negated = False
            marked.append(token)
            continue
        feeling = valence.get(token, 0.0) if negated else 0.0
        if feeling:
            marked.append(f"not_{token} {'negated_positive' if feeling > 0 else 'negated_negative'}")
        else:
            marked.append(token)
        if _NEGATORS_EN.fullmatch(token):
            negated = True
    return " ".join(marked)


def cue_values(language: str, text: str) -> list[float]:
    """Return the FEATURES of one comment part, each 0..1 except the emoji score (−1..1).

    No length: the set's comments are short, and a weight learnt on them would misread a long one.
    """
    emoji_score, emoji_count = signals.emoji_sentiment(text)
    return [
        float(REQUEST[language].search(text) is not None),
        float(QUESTION[language].search(text.strip()) is not None),
        float(HEDGE[language].search(text) is not None),
        float(STATUS[language].search(text) is not None),
        float(signals.is_sarcastic(text)),
        float(signals.is_filler(text)),
        emoji_score,
        min(emoji_count, 3) / 3,
        float(EXCLAIM.search(text) is not None),
    ]
