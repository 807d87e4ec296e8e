from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.pydantic import V1_MODEL_METHODS
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rewrite import FixContext, cst, keyword_argument
from fastapi_rules.rules.base import Rule

# Keywords each v1 method shares with its v2 replacement; a call with any other (or
# ``**kwargs``) is left for a person to port.
PORTABLE_KEYWORDS = {
    "dict": {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"},
    "json": {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none", "indent"},
    "parse_obj": set(),
    "parse_raw": set(),
    "from_orm": set(),
    "copy": {"update", "deep"},
}


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

    Fix (safe): renames the call (`from_orm(x)` becomes
    `model_validate(x, from_attributes=True)`) when all its keywords exist in v2.
    """

    code = "FAR603"
    name = "pydantic-v1-model-api"
    message = "Pydantic v1 `.{method}()` on model `{model}`; use `.{replacement}()`"
    seed = "000 §2 (use Pydantic V2 features)"
    fix_safety = "safe"
    fix_node = ("Call",)

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.classes.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind == "model_api" and project.classes.is_model(site.owner):
                yield self.finding(
                    summary,
                    site.location,
                    method=site.name,
                    model=(site.owner or "").rsplit(".", 1)[-1],
                    replacement=V1_MODEL_METHODS[site.name],
                )

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Call) or not isinstance(updated.func, cst.Attribute):
            return None
        method = updated.func.attr.value
        if method not in V1_MODEL_METHODS or any(arg.star for arg in updated.args):
            return None
        keywords = {arg.keyword.value for arg in updated.args if arg.keyword is not None}
        if not keywords <= PORTABLE_KEYWORDS[method]:
            return None
        args = list(updated.args)
        if method == "parse_raw" and len(args) != 1:
            return None  # ``content_type=``/``encoding=`` have no v2 equivalent
        if method == "from_orm":
            if len(args) != 1:
                return None
            args[0] = args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            args.append(keyword_argument("from_attributes", cst.Name("True")))
        return updated.with_changes(
            func=updated.func.with_changes(attr=cst.Name(V1_MODEL_METHODS[method])), args=args
        )
