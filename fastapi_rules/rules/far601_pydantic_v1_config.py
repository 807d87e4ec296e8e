from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.pydantic import V1_CONFIG_KEYS
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rewrite import FixContext, argument_separator, cst, keyword_argument
from fastapi_rules.rules.base import Rule

# v1 keys with a v2 name and the same values (``allow_mutation`` is inverted below).
RENAMED_KEYS = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "schema_extra": "json_schema_extra",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "validate_all": "validate_default",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
}
# Keys v2 reads as v1 did (pydantic and pydantic-settings): copied as they are.
KEPT_KEYS = frozenset(
    {
        "extra", "frozen", "arbitrary_types_allowed", "use_enum_values", "validate_assignment",
        "title", "str_strip_whitespace", "populate_by_name", "from_attributes",
        "json_schema_extra", "json_encoders", "protected_namespaces", "str_to_lower",
        "str_to_upper", "str_min_length", "str_max_length", "validate_default",
        "env_file", "env_prefix", "env_file_encoding", "case_sensitive", "env_nested_delimiter",
        "secrets_dir",
    }
)


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

    Fix (safe): a `class Config:` made only of `key = value` lines with keys v2
    knows (renamed: `orm_mode` becomes `from_attributes`, ...; `Extra.forbid`
    becomes `"forbid"`) turns into `model_config = ConfigDict(...)`
    (`SettingsConfigDict` for `pydantic_settings.BaseSettings`), adding the
    import; a v1 key given to `model_config` is renamed. A Config with methods,
    comments or other keys is left for a person.
    """

    code = "FAR601"
    name = "pydantic-v1-config"
    message = "Pydantic v1 {what} in model `{model}`; use {fix}"
    seed = "000 §2 (use Pydantic V2 features)"
    fix_safety = "safe"
    fix_node = ("ClassDef", "Arg", "DictElement")

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.classes.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind not in ("config_class", "config_key") or not project.classes.is_model(site.owner):
                continue
            model = (site.owner or "").rsplit(".", 1)[-1]
            if site.kind == "config_class":
                what, fix = "`class Config`", "`model_config = ConfigDict(...)` with the v2 names"
            else:
                what, fix = f"config key `{site.name}`", V1_CONFIG_KEYS[site.name]
            yield self.finding(summary, site.location, what=what, model=model, fix=fix)

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if isinstance(updated, cst.ClassDef):
            return _config_class(updated, context)
        if isinstance(updated, cst.Arg) and updated.keyword is not None:
            renamed = _renamed(updated.keyword.value, updated.value)
            if renamed is None:
                return None
            key, value = renamed
            return updated.with_changes(keyword=cst.Name(key), value=value)
        if isinstance(updated, cst.DictElement) and isinstance(updated.key, cst.SimpleString):
            renamed = _renamed(updated.key.evaluated_value, updated.value)
            if renamed is None:
                return None
            key, value = renamed
            quote = updated.key.quote
            return updated.with_changes(key=cst.SimpleString(f"{quote}{key}{quote}"), value=value)
        return None


def _renamed(key: object, value: cst.BaseExpression) -> tuple[str, cst.BaseExpression] | None:
    """The v2 (key, value) for a v1 config key, or None when there is no exact one."""
    if key == "allow_mutation":
        if isinstance(value, cst.Name) and value.value in ("True", "False"):
            return "frozen", cst.Name("False" if value.value == "True" else "True")
        return None
    if isinstance(key, str) and key in RENAMED_KEYS:
        return RENAMED_KEYS[key], value
    if key in KEPT_KEYS:
        if key == "extra" and isinstance(value, cst.Attribute) and value.attr.value in ("allow", "forbid", "ignore"):
            return key, cst.SimpleString(f'"{value.attr.value}"')  # ``Extra.forbid``
        return key, value
    return None


def _config_class(config: cst.ClassDef, context: FixContext) -> cst.CSTNode | None:
    model = next(
        (node for node in reversed(context.ancestors) if isinstance(node, cst.ClassDef)), None
    )
    if model is None or config.bases or config.keywords or config.decorators:
        return None
    settings = any(
        (context.names.resolve(base.value) or "").endswith("BaseSettings") for base in model.bases
    )
    if settings and not any(
        (context.names.resolve(base.value) or "").startswith("pydantic_settings.") for base in model.bases
    ):
        return None  # v1's ``pydantic.BaseSettings``: moving it is a bigger change
    arguments: list[cst.Arg] = []
    body = config.body.body if isinstance(config.body, cst.IndentedBlock) else ()
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Expr)) and (
                isinstance(small, cst.Pass) or isinstance(small.value, cst.SimpleString)
            ):
                continue  # ``pass`` or a docstring
            if not (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
            ):
                return None
            renamed = _renamed(small.targets[0].target.value, small.value)
            if renamed is None:
                return None
            key, value = renamed
            arguments.append(keyword_argument(key, value))
    if _has_comment(config.body) or _assigns(model, "model_config"):  # comments above it are kept
        return None
    factory, module = ("SettingsConfigDict", "pydantic_settings") if settings else ("ConfigDict", "pydantic")
    local = context.imported_as(f"{module}.{factory}")
    if local is None:
        if not context.name_is_free(factory):
            return None
        context.require(module, factory)
        local = factory
    for index in range(len(arguments) - 1):
        arguments[index] = arguments[index].with_changes(comma=argument_separator())
    call = cst.Call(func=cst.Name(local), args=arguments)
    assignment = cst.Assign(targets=[cst.AssignTarget(cst.Name("model_config"))], value=call)
    return cst.SimpleStatementLine(body=[assignment], leading_lines=config.leading_lines)


def _has_comment(node: cst.CSTNode) -> bool:
    """A comment anywhere in ``node``: the rewrite would lose it."""
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Comment(self, comment: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(Finder())
    return found


def _assigns(model: cst.ClassDef, name: str) -> bool:
    """The class body binds ``name`` (``model_config = ...`` already there)."""
    body = model.body.body if isinstance(model.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = (
                    [t.target for t in small.targets] if isinstance(small, cst.Assign)
                    else [small.target] if isinstance(small, cst.AnnAssign) else []
                )
                if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                    return True
    return False
