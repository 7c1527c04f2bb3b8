"""The locales we speak (en, zh-hans, zh-hant) and how client tags map onto them."""

_LOCALE_ALIASES = {
    "en": "en",
    "zh-hans": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-my": "zh-hans",
    "zh": "zh-hans",
    "zh-hant": "zh-hant",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-mo": "zh-hant",
}


def normalize_locale(value: str) -> str | None:
    """Map a BCP 47 tag (en-US, zh-CN, zh-Hant-TW, zh_TW) to one of our locales, or None."""
    tag = value.strip().replace("_", "-").lower()
    if tag in _LOCALE_ALIASES:
        return _LOCALE_ALIASES[tag]
    parts = tag.split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh" and len(parts) > 1:
        script_or_region = "-".join(parts[:2])
        if script_or_region in _LOCALE_ALIASES:
            return _LOCALE_ALIASES[script_or_region]
    return None


_FALLBACKS = {"zh-hant": ("zh-hant", "zh-hans", "en"), "zh-hans": ("zh-hans", "zh-hant", "en"), "en": ("en",)}


def pick_text(texts: dict[str, str], locale: str) -> str:
    """Return the text for a locale, falling back to the other Chinese script, then English."""
    for candidate in _FALLBACKS.get(locale, ("en",)):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), "")
