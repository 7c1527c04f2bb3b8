"""feedback's own SQL: the statements the ORM cannot write fast enough, all on PostgreSQL.

Identifiers come from the models' metadata, or are names checked here against a strict pattern
and quoted; every value is a bound parameter.

- `FeedbackItemUpsert`: a feedback item's upsert as one step of its source's statement (the
  answer's statement in surveys), which says only which of its relations hold which
  FeedbackSource fields; the INSERT … SELECT … ON CONFLICT text and its parameters are built here.
- `analysis_results_update_sql`: an analysis run's results, one UPDATE … FROM over a JSON parameter.
- `driver_counts_sql`: commented answers per score, overall and per driver and tone, in one statement.
"""

import functools
import re
from dataclasses import dataclass, fields
from datetime import datetime

from django.db import connection
from django.utils import timezone

from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem, Theme, ThemeTerm

SOURCE_FIELDS = tuple(f.name for f in fields(FeedbackSource))
# What a recorded item's upsert refreshes when its source changed: its snapshot, and its place in the queue.
# closed_loop is set once, when the item is made: an imported answer older than its import's cut-off is never
# acted on, even when a later edit of the answer refreshes its snapshot.
SNAPSHOT_FIELDS = tuple(name for name in SOURCE_FIELDS if name not in ("source", "source_id", "closed_loop"))
QUEUE_FIELDS = ("status", "pending_since", "claimed_by", "claimed_at", "attempts", "updated_at")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}\Z")


@dataclass(frozen=True, slots=True)
class FromRelation:
    """FeedbackSource fields that one relation of the caller's statement holds (one row), and in which columns.

    `columns` pairs a FeedbackSource field with the relation's column holding it, for example
    `FromRelation("answer", (("source_id", "id"), ("customer_id", "customer_id")))`.
    """

    relation: str
    columns: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        for name in (self.relation, *(column for _, column in self.columns)):
            if not _IDENTIFIER.match(name):
                raise ValueError(f"{name!r} is not a plain lower-case SQL name")
        unknown = [field for field, _ in self.columns if field not in SOURCE_FIELDS]
        if unknown:
            raise ValueError(f"Not FeedbackSource fields: {', '.join(unknown)}")


@dataclass(frozen=True, slots=True)
class FeedbackItemUpsert:
    """The upsert of a source's feedback item as one step of the source's own PostgreSQL statement.

    The busiest path stores an answer and its item in one statement: no transaction to open and
    commit around two. The caller names, with `relations`, the relations of its statement (each
    one row) that hold some FeedbackSource fields; every other field comes from the
    FeedbackSource given to `params`. The item is inserted once per row of the relations' join,
    so when a relation is empty (an answer that was a replay) nothing is written. Build it once
    (its text is built once per process); call feedback_item_recorded() once the statement ran.
    """

    relations: tuple[FromRelation, ...]

    def __post_init__(self) -> None:
        provided = [field for relation in self.relations for field, _ in relation.columns]
        if len(provided) != len(set(provided)):
            raise ValueError("A FeedbackSource field is given by two relations")
        if not self.relations:
            raise ValueError("The item needs at least one relation of the caller's statement")

    def sql(self) -> str:
        """`INSERT INTO … SELECT … FROM <relations> ON CONFLICT (source, source_id) DO UPDATE …`."""
        return _upsert_template(self)[0]

    def params(self, source: FeedbackSource, *, now: datetime | None = None) -> list:
        """The statement's parameters, in order, for this source (the fields no relation gives)."""
        _sql, names, fresh = _upsert_template(self)
        now = now or timezone.now()
        values = {**fresh, **{name: getattr(source, name) for name in SOURCE_FIELDS}}
        values.update(pending_since=now, created_at=now, updated_at=now)
        return [values[name] for name in names]


@functools.cache
def _upsert_template(upsert: FeedbackItemUpsert) -> tuple[str, tuple[str, ...], dict[str, object]]:
    """The statement, the fields of its parameters in order, and a new item's values besides its source's."""
    quote = connection.ops.quote_name
    given = {
        field: f"{quote(relation.relation)}.{quote(column)}"
        for relation in upsert.relations
        for field, column in relation.columns
    }
    columns = [f for f in FeedbackItem._meta.concrete_fields if not f.primary_key]
    values = ", ".join(given.get(f.attname, "%s") for f in columns)
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in (*SNAPSHOT_FIELDS, *QUEUE_FIELDS))
    sql = (
        f"INSERT INTO {quote(FeedbackItem._meta.db_table)} ({', '.join(quote(f.column) for f in columns)})"
        f" SELECT {values} FROM {', '.join(quote(relation.relation) for relation in upsert.relations)}"
        f" ON CONFLICT (source, source_id) DO UPDATE SET {updates}"
    )
    blank = FeedbackItem(status=FeedbackItem.Status.PENDING)
    fresh = {
        f.attname: f.get_db_prep_save(getattr(blank, f.attname), connection)
        for f in columns
        if f.attname not in SOURCE_FIELDS
    }
    return sql, tuple(f.attname for f in columns if f.attname not in given), fresh


# The columns an analysis result keeps from the run only when it succeeded.
_KEPT_ON_SUCCESS = ("language", "polarity", "label", "confidence", "keywords", "aspects", "is_request", "analyzer")


def analysis_results_update_sql(*, claimed: bool) -> str:
    """One UPDATE … FROM over results sent as one JSON array of rows; RETURNING each row's id and success.

    Parameters: the time (twice), the JSON rows `[id, ok, status, language, polarity, label,
    confidence, keywords, aspects, is_request, analyzer, last_error]`, and with `claimed` the
    claim and the pending status: the WHERE is checked again on each row once it is locked, so a
    claim taken over meanwhile keeps the run from writing.
    """
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    mine = "AND f.claimed_by = %s AND f.status = %s" if claimed else ""
    sets = ", ".join(f"{name} = CASE WHEN u.ok THEN u.{name} ELSE f.{name} END" for name in _KEPT_ON_SUCCESS)
    return (
        f"UPDATE {table} AS f SET status = coalesce(u.status, f.status), {sets},"
        " analysed_at = CASE WHEN u.ok THEN %s ELSE f.analysed_at END, last_error = u.last_error,"
        " claimed_by = CASE WHEN u.ok THEN f.claimed_by ELSE '' END, updated_at = %s"
        " FROM (SELECT (r->>0)::bigint AS id, (r->>1)::boolean AS ok, r->>2 AS status, r->>3 AS language,"
        " (r->>4)::float8 AS polarity, r->>5 AS label, (r->>6)::float8 AS confidence, r->7 AS keywords,"
        " r->8 AS aspects, (r->>9)::boolean AS is_request, r->>10 AS analyzer, r->>11 AS last_error"
        " FROM jsonb_array_elements(%s::jsonb) AS r) AS u"
        f" WHERE f.id = u.id {mine} RETURNING f.id, u.ok"
    )


def driver_counts_sql(base_sql: str) -> str:
    """Rows (driver, tone, score, answers) over `base_sql`'s items (id, score, keywords, aspects).

    A NULL driver counts all the commented answers (tone NULL). A mention's tone is what the
    item's aspects say of its driver's words: "neg", "pos", "mixed" (both), "neu", or "" when no
    aspect names them (an item analysed before aspects existed). `base_sql` is a compiled
    queryset: its parameters are passed twice. The commented answers are counted in the same
    statement (one snapshot), so that no comment analysed meanwhile is a mention without being
    counted as commented. Each item's drivers are made distinct inside the item (a few words)
    rather than across all of them: 0.23 s instead of 1.1 s for 200,000 comments. A word's theme
    comes off the index on LOWER(term).
    """
    quote = connection.ops.quote_name
    terms, themes = quote(ThemeTerm._meta.db_table), quote(Theme._meta.db_table)
    theme = (
        f"(SELECT 'theme:' || th.key FROM {terms} AS t JOIN {themes} AS th"
        " ON th.id = t.theme_id AND th.active WHERE LOWER(t.term) = LOWER(k.word) LIMIT 1)"
    )
    aspects = (
        "LEFT JOIN LATERAL (SELECT a->>'label' AS label FROM jsonb_array_elements(CASE WHEN"
        " jsonb_typeof(b.aspects) = 'array' THEN b.aspects ELSE '[]'::jsonb END) AS a"
        " WHERE LOWER(a->>'term') = LOWER(k.word)) AS a ON TRUE"
    )
    neg, pos = "bool_or(a.label = 'neg')", "bool_or(a.label = 'pos')"
    tone = (
        f"CASE WHEN {neg} AND {pos} THEN 'mixed' WHEN {neg} THEN 'neg' WHEN {pos} THEN 'pos'"
        " WHEN bool_or(a.label = 'neu') THEN 'neu' ELSE '' END"
    )
    return (
        f"SELECT NULL, NULL, b.score, COUNT(*) FROM ({base_sql}) AS b GROUP BY b.score UNION ALL"
        f" SELECT d.driver, d.tone, b.score, COUNT(*) FROM ({base_sql}) AS b CROSS JOIN LATERAL ("
        f" SELECT COALESCE({theme}, 'keyword:' || LOWER(k.word)) AS driver, {tone} AS tone"
        f" FROM jsonb_array_elements_text(b.keywords) AS k(word) {aspects} GROUP BY 1) AS d"
        " GROUP BY d.driver, d.tone, b.score"
    )
