"""Which answers count: the filters every figure takes, and the surveys, touchpoints and segments they name."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from surveys.models import ScoreRollup, Survey, Touchpoint

DIMENSIONS = ("touchpoint", "survey", "plan", "account", "language")


@dataclass(frozen=True, slots=True)
class ScoreFilters:
    """Which answers count: all of one survey kind, narrowed by any of the rest (empty: no narrowing)."""

    kind: str
    survey_ids: tuple[int, ...] = ()
    touchpoint_ids: tuple[int, ...] = ()  # 0: answers given at no touchpoint
    plans: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()


def with_surveys(filters: ScoreFilters) -> ScoreFilters:
    """The filters with the surveys named: all of the kind when none were chosen."""
    if filters.survey_ids:
        return filters
    fields = {name: getattr(filters, name) for name in ScoreFilters.__slots__}
    return ScoreFilters(**{**fields, "survey_ids": tuple(survey_ids_of_kind(filters.kind))})


def survey_ids_of_kind(kind: str) -> list[int]:
    return list(Survey.objects.filter(kind=kind).values_list("id", flat=True))


def survey_kinds(survey_ids: Sequence[int]) -> dict[int, str]:
    """Map survey ids to their kinds (unknown ids are left out)."""
    return dict(Survey.objects.filter(id__in=survey_ids).values_list("id", "kind"))


def touchpoint_ids_for(keys: Sequence[str]) -> dict[str, int]:
    """Map touchpoint keys to ids (unknown keys are left out)."""
    return dict(Touchpoint.objects.filter(key__in=keys).values_list("key", "id"))


def touchpoint_keys(filters: ScoreFilters) -> list[str]:
    """The keys of the filters' touchpoints, as the other apps' snapshots keep them."""
    return list(Touchpoint.objects.filter(id__in=filters.touchpoint_ids).values_list("key", flat=True))


def survey_choices() -> QuerySet:
    """Every survey, by name, for a filter's choices: id, name and kind."""
    return Survey.objects.order_by("name").values("id", "name", "kind")


def touchpoint_choices() -> QuerySet:
    """Every touchpoint, by name, for a filter's choices: key and name."""
    return Touchpoint.objects.order_by("name").values("key", "name")


def segment_values(dimension: str) -> list[str]:
    """The plans (or languages) answers were given in, for a filter's choices (off the rollups, not the answers)."""
    column = {"plan": "plan", "language": "locale"}[dimension]
    return [
        v
        for v in ScoreRollup.objects.filter(grain=ScoreRollup.Grain.MONTH)
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()
        if v
    ]
