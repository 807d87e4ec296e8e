"""Recognising SQL text (RULES-SPEC §FAR3xx), in two strengths."""
from __future__ import annotations

import re

STATEMENT_KEYWORDS = frozenset(
    "SELECT INSERT UPDATE DELETE MERGE REPLACE WITH CREATE DROP ALTER TRUNCATE GRANT "
    "REVOKE SET RESET SHOW NOTIFY LISTEN COPY VACUUM ANALYZE EXPLAIN CALL EXEC DECLARE "
    "REFRESH".split()
)

_FIRST_WORD = re.compile(r"^[\s(]*([A-Za-z]+)(\s+ON\b)?", re.IGNORECASE)

# Without a sink, only an unmistakable statement shape counts; keywords in upper
# case so that prose ("Select a file from ...") never matches.
_STRUCTURAL = re.compile(
    r"^[\s(]*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|UPDATE\b[\s\S]*\bSET\b|DELETE\s+FROM\b"
    r"|(CREATE|DROP|ALTER|TRUNCATE)\s+TABLE\b)"
)

# Method names that execute SQL text on any receiver (DB-API cursors, SQLAlchemy
# sessions and connections, asyncpg, alembic's ``op``).
SINK_METHODS = frozenset(
    {"execute", "executemany", "exec_driver_sql", "fetch", "fetchrow", "fetchval"}
)
# Functions that make SQL text into a statement, by qualified name only: a project's
# own ``text()`` that renders HTML is not ``sqlalchemy.text``.
SINK_FUNCTIONS = frozenset(
    {
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "sqlmodel.text",
        "sqlalchemy.DDL",
        "sqlalchemy.schema.DDL",
    }
)


_STRUCTURAL_ANY_CASE = re.compile(_STRUCTURAL.pattern, re.IGNORECASE)
# Lower-case "select the best answer from the list" is prose; SQL has syntax.
_SQL_SYNTAX = re.compile(
    r"[*=(),<>;:%?]|\b(where|join|limit|values|group\s+by|order\s+by)\b", re.IGNORECASE
)


def starts_with_statement(text: str, method_sink: bool = False) -> bool:
    """SQL text reaching a sink: its first word is a statement keyword.

    A sink known only by its method name (``agent.execute("Show me the weather")``)
    needs more: the keyword in upper case and more than one word (aioredis'
    ``execute("SET", key, value)`` is a command), or a whole statement shape.
    """
    match = _FIRST_WORD.match(text)
    if match is None:
        return False
    word = match.group(1)
    if method_sink and (not word.isupper() or len(text.split()) < 2):
        return (
            _STRUCTURAL_ANY_CASE.match(text) is not None
            and _SQL_SYNTAX.search(text) is not None
        )
    word = word.upper()
    if word == "COMMENT":
        return match.group(2) is not None
    return word in STATEMENT_KEYWORDS


def looks_like_sql(text: str) -> bool:
    return _STRUCTURAL.match(text) is not None
