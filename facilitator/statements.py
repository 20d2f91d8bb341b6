"""A statement that phones send many times a second, run on the pool's driver connection.

Through the ORM's session one small statement and its commit cost about 100 µs of CPU on
SQLite, more than half of it SQLAlchemy's bookkeeping: the session's transaction, checking its
connection out, the execution context, the result. An answer is one statement that checks the
rights as it writes (checkins.services.record_named_answer), so it needs none of that. A
`DirectStatement` is compiled by SQLAlchemy once per database kind, with SQLAlchemy's own type
conversions for its parameters, and then run in a transaction of its own on a connection from
the same pool (set up as every other: facilitator/__init__.py), committed before it returns:
about 40 µs (benchmarks/crowd/answer_path.py).

Use it only for a statement that stands alone: it does not see what the event's session has
written and not committed, and the session does not see it until its next transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from .extensions import db


@dataclass(frozen=True)
class _Compiled:
    """A statement as the driver takes it: its SQL, and how to pass each parameter."""

    sql: str
    positional: tuple[str, ...] | None  # parameter names in order, for `?` placeholders
    constants: Mapping[str, Any]  # values the statement binds itself (enum members), converted
    convert: Mapping[str, Callable[[Any], Any]]  # SQLAlchemy's conversion, for typed parameters

    def arguments(self, params: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        given = {
            name: convert(value) if (convert := self.convert.get(name)) else value
            for name, value in params.items()
        }
        if self.positional is None:
            return {**self.constants, **given}
        return [given[name] if name in given else self.constants[name] for name in self.positional]


class DirectStatement:
    """One statement, built by `build(dialect_name)` and compiled once per database kind."""

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        if dialect.name not in self._compiled:
            compiled = cast(SQLCompiler, self._build(dialect.name).compile(dialect=dialect))
            convert = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    convert[name] = processor
            constants = {
                name: convert[name](value) if name in convert else value
                for name, value in compiled.params.items()
                if value is not None
            }
            self._compiled[dialect.name] = _Compiled(
                sql=compiled.string,
                positional=tuple(compiled.positiontup) if compiled.positiontup is not None else None,
                constants=constants,
                convert=convert,
            )
        return self._compiled[dialect.name]

    def first_value(self, params: Mapping[str, Any]) -> Any | None:
        """Run the statement with `params` and commit; the first column of its first row, if any."""
        engine = db.engine
        compiled = self._for(engine.dialect)
        driver_error = engine.dialect.loaded_dbapi.Error
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(compiled.sql, compiled.arguments(params))
            row = cursor.fetchone()
            cursor.close()
            connection.commit()
        except driver_error as error:
            # As SQLAlchemy itself reports it (an IntegrityError, say), and a lost connection
            # leaves the pool.
            lost = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.sql, None, error, driver_error, connection_invalidated=lost, dialect=engine.dialect
            ) from error
        finally:
            connection.close()  # back to the pool, rolled back if it did not commit
        return None if row is None else row[0]
