"""Stored Chinese in the reader's script: simplified text shown in traditional forms to zh-Hant readers.

Root causes, themes and keywords are stored once, in simplified Chinese (the shipped defaults, the
analysis' lexicons). A zh-Hant reader sees them converted with OpenCC's `s2twp`: simplified to
traditional *with Taiwan phrasing* (软件 → 軟體, 数据 → 資料, 用户 → 使用者), which is what our zh-Hant
catalogue speaks; plain `s2t` would give traditional characters in mainland wording (軟件, 數據, 用戶).
A conversion costs microseconds and is cached per text, so a page of names converts once per process.
"""

from functools import lru_cache

from django.utils.translation import get_language

_CONFIG = "s2twp"


@lru_cache(maxsize=1)
def _converter():
    import opencc  # loaded on first use: its dictionaries cost a few milliseconds to read

    return opencc.OpenCC(_CONFIG)


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    """The text in traditional characters, Taiwan usage (already traditional or non-Chinese text is unchanged)."""
    if not text or text.isascii():
        return text
    return _converter().convert(text)


def reads_traditional(language: str | None = None) -> bool:
    """Whether a language (the active one by default) reads traditional Chinese."""
    language = (language or get_language() or "").lower().replace("_", "-")
    return language.startswith("zh") and any(tag in language for tag in ("hant", "tw", "hk", "mo"))


def in_script(text: str, language: str | None = None) -> str:
    """Stored Chinese as the reader (the active language by default) writes it: traditional for zh-Hant."""
    return to_traditional(text) if text and reads_traditional(language) else text
