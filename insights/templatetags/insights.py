"""Template filters of the insights dashboard."""

from datetime import timedelta
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.chinese import reads_traditional

register = template.Library()


@register.filter
def hours(value: timedelta | None) -> str:
    """A duration as hours under two days, else as days: "16 h", "2.9 d"."""
    if value is None:
        return "—"
    total = value.total_seconds() / 3600
    if total < 48:
        return _("%(hours).0f h") % {"hours": total}
    return _("%(days).1f d") % {"days": total / 24}


@register.filter
def money(value) -> str:
    """An amount in CX_CURRENCY as the active language writes it: "CN¥14,779.00", "¥14,779.00"."""
    if value is None:
        return "—"
    return format_currency(Decimal(value), settings.CX_CURRENCY, locale=_babel_locale())


@register.filter
def number(value) -> str:
    """A count with the active language's thousands separators: "14,779"."""
    if value is None:
        return "—"
    return format_decimal(value, locale=_babel_locale())


def _babel_locale() -> str:
    language = get_language() or "en"
    if not language.startswith("zh"):
        return "en"
    return "zh_Hant_TW" if reads_traditional(language) else "zh_Hans_CN"
