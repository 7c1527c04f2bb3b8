"""Database helpers the ORM lacks."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    """`field__any_of=values`: like `__in`, but one array parameter on PostgreSQL (`= ANY(%s::type[])`).

    `__in` with hundreds of values writes a statement with one placeholder per value, different for
    every count: psycopg parses each anew (it caches only short statements) and PostgreSQL plans
    each anew. Batches of 500 did this several times a request. Other databases get a plain IN.
    """

    lookup_name = "any_of"

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def _values(self, connection) -> list:
        field = self.lhs.output_field
        return [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self._values(connection)]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, self._values(connection)]
