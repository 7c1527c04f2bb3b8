"""The lock statements surveys.locks runs on PostgreSQL (SQLite has a single writer: nothing to lock)."""

from django.db import connection

from surveys.models import ScoreChange

# One transaction-scoped advisory lock per 64-bit key of the parameter (an array), taken in the array's order.
ADVISORY_LOCKS_SQL = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k"


def score_changes_lock_sql() -> str:
    """Lock the pending score changes against writers (answers), not readers, until the transaction ends."""
    return f"LOCK TABLE {connection.ops.quote_name(ScoreChange._meta.db_table)} IN EXCLUSIVE MODE"
