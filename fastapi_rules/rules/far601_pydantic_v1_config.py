from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.pydantic import V1_CONFIG_KEYS
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class PydanticV1Config(Rule):
    """Pydantic v1 model configuration.

    What it does:
    Flags a `class Config:` inside a Pydantic model (a subclass of `BaseModel`,
    `SQLModel` or `BaseSettings`, also through project base classes and across
    modules), and v1 keys such as `orm_mode`, `allow_population_by_field_name`
    or `schema_extra` given to `model_config`. Classes that are not models, and
    models built on `pydantic.v1` on purpose, are left alone.
    A project written for Pydantic v1 (a module imports what only v1 has,
    `from pydantic import BaseSettings` or `pydantic.schema`, and none imports
    what only v2 has, `ConfigDict` or `field_validator`) is left alone: the v2
    spelling does not exist there.

    Why is this bad?
    Pydantic v2 ignores or only warns about the v1 spelling: `orm_mode` no longer
    lets a response model read ORM objects, and `schema_extra` silently drops
    the examples from the OpenAPI docs. `model_config = ConfigDict(...)` with
    the v2 names is checked by type checkers and does what it says.
    """

    code = "FAR601"
    name = "pydantic-v1-config"
    message = "Pydantic v1 {what} in model `{model}`; use {fix}"
    seed = "000 §2 (use Pydantic V2 features)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind not in ("config_class", "config_key") or not project.is_model(site.owner):
                continue
            model = (site.owner or "").rsplit(".", 1)[-1]
            if site.kind == "config_class":
                what, fix = "`class Config`", "`model_config = ConfigDict(...)` with the v2 names"
            else:
                what, fix = f"config key `{site.name}`", V1_CONFIG_KEYS[site.name]
            yield self.finding(summary, site.location, what=what, model=model, fix=fix)
