"""Every touchpoint on SQLAlchemy's private internals: the compiled-statement cache of the one-message tail.

Compiling the item's INSERT ... SELECT and the guarded bump anew cost about 2.5 ms of CPU per
answer (py-spy, 400 phones on two processes). ``driver_sql`` takes the compiled form from a cache
by SQLAlchemy's cache key, the way Connection.execute does, and binds only the values. That needs
``ClauseElement._compile_w_cache`` and ``SQLCompiler._process_parameters_for_postcompile``
(SQLAlchemy 2.1.9, pinned). When a release no longer has them, the module logs one warning and
compiles each statement with the public ``compile(..., render_postcompile=True)``: the same SQL
and values, only slower.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import LRUCache

_log = logging.getLogger(__name__)

# Compiled statements by SQLAlchemy's cache key (values not included).
CACHE = LRUCache(64)
PRIVATE_CACHE_USABLE = callable(getattr(ClauseElement, "_compile_w_cache", None)) and callable(
    getattr(SQLCompiler, "_process_parameters_for_postcompile", None)
)
if not PRIVATE_CACHE_USABLE:
    _log.warning("SQLAlchemy has no _compile_w_cache/_process_parameters_for_postcompile any more: "
                 "the one-message tail compiles each statement anew (fea_core/sqlalchemy_compiled.py)")


def driver_sql(conn: Connection, statement) -> tuple[str, dict]:
    """Return the statement's SQL for the driver and its values (IN lists expanded), compiling each shape once."""
    if not PRIVATE_CACHE_USABLE:
        compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        return compiled.string, dict(compiled.params)
    compiled, extracted, collected, _ = statement._compile_w_cache(conn.dialect, compiled_cache=CACHE, column_keys=[])
    params = compiled.construct_params(extracted_parameters=extracted, _collected_params=collected,
                                       _no_postcompile=True)
    expanded = compiled._process_parameters_for_postcompile(params)  # IN (...) lists get their values
    return expanded.statement, dict(expanded.parameters)
