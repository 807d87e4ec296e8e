"""Names the model builder writes into summaries and the index and rules read back.

Here, not in the builder modules, because those import LibCST and the index and the
rule registry must load without it (a warm run and flake8's start-up never parse).
"""
from __future__ import annotations

HTTP_EXCEPTIONS = frozenset({"fastapi.HTTPException", "starlette.HTTPException"})
APP_CLASSES = frozenset({"fastapi.FastAPI"})
# ``request.path_params`` is there for a handler that takes the raw connection.
PARAMETER_APP = "<app parameter>"
UNKNOWN_PART = "{…}"
# In a path or prefix as the builder records it, ``\x00app.core.config.settings.API_V1_STR\x00``
# is a value named in another module or held by a settings object, which the project
# index looks up (``project.values``); what it cannot find prints as ``UNKNOWN_PART``.
REFERENCE = "\x00"
CALL_OF = "call:"  # ``db = SessionLocal()`` with ``SessionLocal`` imported: decided by the index

SYNC_SESSIONS = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session", "sqlmodel.orm.session.Session"}
)
ASYNC_SESSIONS = frozenset(
    {"sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.session.AsyncSession",
     "sqlmodel.ext.asyncio.session.AsyncSession"}
)

BROAD_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})
# What a catch-all exception handler is registered for: also status 500, which is how
# Starlette's ServerErrorMiddleware looks up the handler for unexpected errors.
CATCH_ALL_HANDLED = BROAD_EXCEPTIONS | {"500"}
ERROR_KEYS = frozenset({"error", "errors"})
