"""Reads an import of history needs: the survey and touchpoint it targets, and which rows it stored already."""

from collections.abc import Iterable
from dataclasses import dataclass

from common.sql import postgresql_paths, server_bound_cursor
from surveys import scoring
from surveys.models import Response, Survey, Touchpoint
from surveys.sql_import import keys_stored_sql


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """The survey (and touchpoint) an import stores its answers in."""

    survey_id: int
    survey_name: str
    survey_key: str
    kind: str
    default_locale: str
    scale: tuple[int, int]
    touchpoint_id: int | None = None
    touchpoint_key: str = ""
    require_identity: bool = False  # a live answer (after the cut-off) must name its customer


class ImportTargetUnknown(LookupError):
    """No active survey (or no touchpoint) has the name or id given; the message names it."""


def import_target_get(*, survey: str, touchpoint: str = "") -> ImportTarget:
    """The active survey named `survey` (its name, or its id in digits), and the touchpoint keyed `touchpoint`."""
    surveys = Survey.objects.filter(active=True)
    found = surveys.filter(name=survey).first()
    if found is None and survey.strip().isdigit():
        found = surveys.filter(pk=int(survey)).first()
    if found is None:
        raise ImportTargetUnknown(f"No active survey is named (or has the id) {survey!r}.")
    touchpoint_id = None
    if touchpoint:
        touchpoint_id = Touchpoint.objects.filter(key=touchpoint).values_list("pk", flat=True).first()
        if touchpoint_id is None:
            raise ImportTargetUnknown(f"No touchpoint has the key {touchpoint!r}.")
    return ImportTarget(
        survey_id=found.pk,
        survey_name=found.name,
        survey_key=found.public_key,
        kind=found.kind,
        default_locale=found.default_locale,
        scale=scoring.scale_for(found.kind),
        touchpoint_id=touchpoint_id,
        touchpoint_key=touchpoint,
        require_identity=found.require_identity,
    )


def import_keys_stored(*, survey_id: int, keys: Iterable[str]) -> set[str]:
    """Which of these row keys (responses' idempotency keys) the survey holds already."""
    keys = list(keys)
    if not keys:
        return set()
    if postgresql_paths():  # bound on the server: one statement text for every batch (see surveys.sql_import)
        with server_bound_cursor() as cursor:
            cursor.execute(keys_stored_sql(), [survey_id, keys])
            return {key for (key,) in cursor.fetchall()}
    return set(
        Response.objects.filter(survey_id=survey_id, idempotency_key__gt="", idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
