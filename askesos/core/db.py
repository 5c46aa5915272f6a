"""Database helpers shared by the hot paths.

``prepared_cursor`` gives the few statements that run thousands of times a second (the payment's
read and its write) a PostgreSQL prepared statement: planned once per connection instead of on every
call. Planning the payment's five-table read took 0.4 ms of server CPU against 0.1 ms to run it
(``EXPLAIN (ANALYZE, SUMMARY)``); prepared, a payment took 2.1 ms instead of 3.1 ms one after another,
and 4 processes posted 984 instead of 665 a second (docs/benchmarks.md, "third round").

Django's PostgreSQL cursors bind parameters on the client (``server_side_binding`` off, the default),
which can never prepare, and Django leaves psycopg's ``prepare_threshold`` at ``None`` (never). Turning
server-side binding on for the whole project would change how every ORM query is typed, so only the
cursor made here binds on the server, and it prepares every statement it runs. psycopg keeps up to
``prepared_max`` (100) statements per connection and forgets them after DDL.

With PgBouncer in front of PostgreSQL, prepared statements need transaction pooling with
``max_prepared_statements`` set (PgBouncer 1.21+); see docs/operations.md.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

# psycopg prepares a statement after this many runs, or at once when asked (``prepare=True``). Django
# sets it to None, which disables preparing altogether; a count no statement reaches means that only
# the statements of ``prepared_cursor`` are prepared.
_ONLY_WHEN_ASKED = 2**31 - 1


def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> Any:
    """A cursor (Django's wrapper: query logging and execute wrappers apply) whose statements are
    prepared once per connection on PostgreSQL; a plain cursor on SQLite (statements are compiled
    in-process and cached by the driver). Parameters are ``%s`` as everywhere."""
    db = connections[using]  # once: each attribute of ``django.db.connection`` is a thread-local lookup
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    raw = db.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    db.validate_thread_sharing()
    wrapper = cast(Any, db)  # django-stubs type these as taking Django's wrapper, not a driver cursor
    if db.queries_logged:
        return wrapper.make_debug_cursor(_LoggedPreparedCursor(raw))
    return wrapper.make_cursor(_PreparedCursor(raw))


class _PreparedCursor(psycopg.Cursor[Any]):
    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any) -> Any:
        return super().execute(query, params, prepare=True, **kwargs)


class _LoggedPreparedCursor(_PreparedCursor):
    """For query logging (DEBUG, tests counting queries): Django logs ``cursor._query.query``, which
    psycopg leaves empty when it runs a prepared statement; log the statement with its parameters
    inlined, as Django's own cursors do."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any) -> Any:
        result = super().execute(query, params, **kwargs)
        if self._query is None:
            inlined = psycopg.ClientCursor(self.connection).mogrify(query, params)  # as Django's compose_sql
            self._query = cast(Any, SimpleNamespace(query=inlined.encode()))
        return result
