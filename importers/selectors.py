"""Reads of the importers app: the column mappings, ready and saved."""

from importers.mappings import READY, ColumnMap, MappingRefused, column_map_from
from importers.models import ColumnMapping


def column_map_get(*, name: str) -> ColumnMap:
    """The ready mapping of this name (delighted, formbricks, cxplatform), else the saved one, else MappingRefused."""
    if name in READY:
        return READY[name]
    saved = ColumnMapping.objects.filter(name=name).first()
    if saved is None:
        known = ", ".join([*READY, *ColumnMapping.objects.values_list("name", flat=True)])
        raise MappingRefused(f"No mapping is named {name!r} (known: {known}).")
    return column_map_from(saved.name, saved.columns, saved.date_format)


def column_map_names() -> list[str]:
    """The ready mappings' names, then the saved ones'."""
    return [*READY, *ColumnMapping.objects.values_list("name", flat=True)]
