"""Template filters of the insights dashboard."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from common import formats

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
    return formats.money(value)


@register.filter
def number(value) -> str:
    """A count with the active language's thousands separators: "14,779"."""
    return formats.number(value)


@register.filter
def percent(value) -> str:
    """A fraction as a percentage with one decimal: 0.9512 -> "95.1 %"."""
    if value is None:
        return "—"
    return f"{100 * value:.1f} %"
