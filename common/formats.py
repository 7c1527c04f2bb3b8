"""Numbers and money as the active language writes them (Babel's CLDR data): one way for every page."""

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import get_language

from common.chinese import reads_traditional


def babel_locale() -> str:
    """The CLDR locale of the active language: en, zh_Hans_CN or zh_Hant_TW."""
    language = get_language() or "en"
    if not language.startswith("zh"):
        return "en"
    return "zh_Hant_TW" if reads_traditional(language) else "zh_Hans_CN"


def money(value) -> str:
    """An amount in CX_CURRENCY as the active language writes it: "CN¥14,779.00", "¥14,779.00"; "—" for none."""
    if value is None:
        return "—"
    return format_currency(Decimal(value), settings.CX_CURRENCY, locale=babel_locale())


def number(value) -> str:
    """A number with the active language's thousands separators: "14,779", "0.25"; "—" for none."""
    if value is None:
        return "—"
    return format_decimal(value, locale=babel_locale())
