"""Run a scenario on each of the database's paths, on the same rows, to compare what they return and store.

A function with a PostgreSQL fast path and a portable path chooses with common.sql.postgresql_paths();
`common.sql.portable_paths()` forces the portable path on PostgreSQL. On PostgreSQL `each_path`
runs the scenario on the fast path and then on the portable path, each in a savepoint rolled back
after it, so both start from the same rows; on SQLite only the portable path exists.
"""

from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

from django.db import connection, transaction

from common.sql import portable_paths

T = TypeVar("T")


def each_path(scenario: Callable[[], T]) -> dict[str, T]:
    """The scenario's result on each path this database has: {"postgresql": …, "portable": …} or {"portable": …}."""
    paths = {"postgresql": nullcontext, "portable": portable_paths}
    if connection.vendor != "postgresql":
        del paths["postgresql"]
    results = {}
    for name, path in paths.items():
        with transaction.atomic():
            with path():
                results[name] = scenario()
            transaction.set_rollback(True)
    return results


def same_on_each_path(scenario: Callable[[], T]) -> T:
    """Run the scenario on each path; assert that every path gave the same result, and return it."""
    results = each_path(scenario)
    first = next(iter(results.values()))
    for name, result in results.items():
        assert result == first, f"the {name} path differs:\n{result!r}\nfrom\n{first!r}"
    return first
