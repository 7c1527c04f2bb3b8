"""Template filters of the insights dashboard."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from common import formats
from portfolio.labels import measure_label

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


def _shown(value: float, kind: str) -> str:
    if kind == "rate":
        return f"{100 * value:.1f} %"
    return f"{value:.1f}×" if kind == "times" else f"{value:.2f}"


@register.filter
def figure(value, kind: str = "auc") -> str:
    """A back-test figure's value: an AUC "0.78", a rate "18.0 %", a ratio "4.2×" ("—" without one)."""
    if value is None or value.value is None:
        return "—"
    return _shown(value.value, kind)


@register.filter
def figure_range(value, kind: str = "auc") -> str:
    """Its 95% interval, "0.72–0.83" ("" without one)."""
    if value is None or value.low is None or value.high is None:
        return ""
    return f"{_shown(value.low, kind)} – {_shown(value.high, kind)}"


@register.filter
def interval(value, kind: str = "auc") -> str:
    """The value with its interval in brackets, for a sentence: "0.78 (0.72 – 0.83)"."""
    bounds = figure_range(value, kind)
    return f"{figure(value, kind)} ({bounds})" if bounds else figure(value, kind)


@register.filter
def measure_name(source) -> str:
    """A measure's (key, window, per_key) as a person reads it, in the active language."""
    return measure_label(*source)
