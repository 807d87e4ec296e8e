from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.pydantic import V1_MODEL_METHODS
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class PydanticV1ModelApi(Rule):
    """Pydantic v1 model method.

    What it does:
    Flags `.dict()`, `.json()`, `.copy(update=...)` on a model instance and
    `.parse_obj()`, `.parse_raw()`, `.from_orm()` on a model class, when the
    receiver is known to be a Pydantic model: the class itself, or a parameter
    or local variable whose type is a model (annotation, `Model(...)`,
    `Model.model_validate(...)`), across modules. Calls on anything else, such
    as `response.json()` on an HTTP response or `dict.copy()`, are left alone.
    A project written for Pydantic v1 (a module imports what only v1 has,
    `from pydantic import BaseSettings` or `pydantic.schema`, and none imports
    what only v2 has, `ConfigDict` or `field_validator`) is left alone: the v2
    spelling does not exist there.

    Why is this bad?
    These methods are deprecated in Pydantic v2, warn on every call and will be
    removed; `.dict()` and `.json()` also miss v2's serialisation options.
    """

    code = "FAR603"
    name = "pydantic-v1-model-api"
    message = "Pydantic v1 `.{method}()` on model `{model}`; use `.{replacement}()`"
    seed = "000 §2 (use Pydantic V2 features)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind == "model_api" and project.is_model(site.owner):
                yield self.finding(
                    summary,
                    site.location,
                    method=site.name,
                    model=(site.owner or "").rsplit(".", 1)[-1],
                    replacement=V1_MODEL_METHODS[site.name],
                )
