"""Project classes by what they are: Pydantic models (and whether the project is written
for Pydantic v1), ORM classes and their relationships, database sessions."""
from __future__ import annotations

import re
from functools import cached_property

from fastapi_rules.model.pydantic import MODEL_BASES, V1_ONLY_IMPORTS, V1_ONLY_MODULES, V2_ONLY_IMPORTS
from fastapi_rules.model.vocabulary import ASYNC_SESSIONS, SYNC_SESSIONS
from fastapi_rules.project.names import Names

_ANNOTATION_NAMES = re.compile(r"[A-Za-z_][\w.]*")


class Classes:
    def __init__(self, names: Names) -> None:
        self.names = names

    # -- Pydantic models (RULES-SPEC §FAR6xx) -------------------------------------------
    def is_model(self, qualname: str | None) -> bool:
        return self.names.is_subclass(qualname, MODEL_BASES)

    @cached_property
    def targets_pydantic_v1(self) -> bool:
        """The project is written for Pydantic v1: some module imports what only v1 has
        (``from pydantic import BaseSettings``) and none imports what only v2 has."""
        imported = {
            target
            for summary in self.names.summaries
            if not summary.is_test
            for target in summary.imports.values()
        }
        v1_only = any(
            name in V1_ONLY_IMPORTS or name.startswith(V1_ONLY_MODULES) for name in imported
        )
        return v1_only and not imported & V2_ONLY_IMPORTS

    def model_classes(self, annotation: str | None) -> list[str]:
        """Project model classes named in an annotation text (``list[app.schemas.User] |
        None`` gives ``app.schemas.User``), resolved through re-exports."""
        return [name for name in self.annotation_classes(annotation) if self.is_model(name)]

    def annotation_classes(self, annotation: str | None) -> list[str]:
        """Project classes named in an annotation text, resolved through re-exports."""
        found = []
        for name in _ANNOTATION_NAMES.findall(annotation or ""):
            resolved = self.names.resolve(name)
            if resolved in self.names.classes and resolved not in found:
                found.append(resolved)
        return found

    def model_fields(self, model: str) -> list[tuple[str, str, str]]:
        """(class, field, annotation) of a model and of its project model bases."""
        return [
            (cls.qualname, field, annotation)
            for cls in self.names.class_lineage(model)
            for field, annotation in cls.fields
        ]

    # -- database sessions and ORM models (RULES-SPEC §FAR3xx) ------------------------
    def session_kind(self, name: str) -> str | None:
        """``sync`` or ``async`` when ``name`` is a session class, a ``Session``-typed
        alias (``SessionDep``) or a session factory (``SessionLocal``), else None."""
        names = self.names
        resolved = names.resolve(name) or name
        resolved = names.resolve(names.alias_types.get(resolved)) or names.alias_types.get(resolved, resolved)
        if resolved in SYNC_SESSIONS:
            return "sync"
        if resolved in ASYNC_SESSIONS:
            return "async"
        if resolved in names.session_factories:
            return "async" if names.session_factories[resolved] else "sync"
        return None

    def class_attributes(self, model: str) -> frozenset[str] | None:
        """Names assigned in the body of a project class and of its project bases (None:
        not a project class)."""
        return self._class_facts(model, "attributes")

    def lazy_relationships(self, model: str) -> frozenset[str]:
        """Lazily loading relationships of an ORM class and of its project bases."""
        return self._class_facts(model, "lazy_relationships") or frozenset()

    def _class_facts(self, model: str, fact: str) -> frozenset[str] | None:
        start = self.names.resolve(model) or model
        if start not in self.names.classes:
            return None
        return frozenset(name for cls in self.names.class_lineage(start) for name in getattr(cls, fact))
