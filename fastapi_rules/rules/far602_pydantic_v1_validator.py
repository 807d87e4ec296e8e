from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule

V2_VALIDATORS = {"validator": "@field_validator", "root_validator": "@model_validator"}


class PydanticV1Validator(Rule):
    """Pydantic v1 validator decorator.

    What it does:
    Flags `@validator` and `@root_validator` imported from `pydantic` (under any
    alias). `pydantic.v1` imports, chosen on purpose for v1 code, are left alone.
    A project written for Pydantic v1 (a module imports what only v1 has,
    `from pydantic import BaseSettings` or `pydantic.schema`, and none imports
    what only v2 has, `ConfigDict` or `field_validator`) is left alone: the v2
    spelling does not exist there.

    Why is this bad?
    Both are deprecated in Pydantic v2 and behave differently from their
    replacements: `@validator` runs with v1 semantics (`each_item`, `always`),
    and `@root_validator` without `skip_on_failure=True` is an error in v2.
    `@field_validator` and `@model_validator` state when they run
    (`mode="before"`/`"after"`) and are typed.
    """

    code = "FAR602"
    name = "pydantic-v1-validator"
    message = "Pydantic v1 `@{decorator}`; use `{replacement}`"
    seed = "000 §2 (use Pydantic V2 features)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind == "validator":
                yield self.finding(
                    summary,
                    site.location,
                    decorator=site.name,
                    replacement=V2_VALIDATORS[site.name],
                )
