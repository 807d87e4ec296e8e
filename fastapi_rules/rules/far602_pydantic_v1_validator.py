from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rewrite import FixContext, argument_separator, cst, keyword_argument
from fastapi_rules.rules.base import Rule

V2_VALIDATORS = {"validator": "@field_validator", "root_validator": "@model_validator"}
V1_VALIDATOR_NAMES = {
    "pydantic.validator": "validator",
    "pydantic.class_validators.validator": "validator",
    "pydantic.root_validator": "root_validator",
    "pydantic.class_validators.root_validator": "root_validator",
}


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

    Fix (unsafe: v2 validators see other fields through `info.data`, only
    those already validated): `@validator("a", pre=True)` becomes
    `@field_validator("a", mode="before")` with `@classmethod`, and a `values`
    parameter becomes `info` with `values` read as `info.data`;
    `@root_validator(pre=True)` becomes `@model_validator(mode="before")`.
    `always=`, `each_item=`, other parameters and after-root-validators (whose v2
    form takes the model instance) are left for a person.
    """

    code = "FAR602"
    name = "pydantic-v1-validator"
    message = "Pydantic v1 `@{decorator}`; use `{replacement}`"
    seed = "000 §2 (use Pydantic V2 features)"
    fix_safety = "unsafe"
    fix_node = ("FunctionDef",)

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if project.classes.targets_pydantic_v1:
            return  # the v2 spelling does not exist there
        for site in summary.v1_sites:
            if site.kind == "validator":
                yield self.finding(
                    summary,
                    site.location,
                    decorator=site.name,
                    replacement=V2_VALIDATORS[site.name],
                )

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.FunctionDef):
            return None
        decorators = list(updated.decorators)
        for index, decorator in enumerate(decorators):
            expression = decorator.decorator
            func = expression.func if isinstance(expression, cst.Call) else expression
            kind = V1_VALIDATOR_NAMES.get(context.names.resolve(func) or "")
            if kind is None:
                continue
            ported = _port_decorator(kind, expression, context)
            if ported is None:
                return None
            decorators[index] = decorator.with_changes(decorator=ported)
            params = _port_parameters(kind, updated)
            if params is None:
                return None
            updated = params
            if not any(_is_classmethod(d) for d in decorators):
                decorators.insert(index + 1, cst.Decorator(cst.Name("classmethod")))
            context.release("pydantic", kind)
            return updated.with_changes(decorators=decorators)
        return None


def _port_decorator(kind: str, expression: cst.BaseExpression, context: FixContext) -> cst.Call | None:
    args = list(expression.args) if isinstance(expression, cst.Call) else []
    fields: list[cst.Arg] = []
    pre = False
    keep: list[cst.Arg] = []
    for arg in args:
        if arg.star:
            return None
        if arg.keyword is None:
            fields.append(arg)
            continue
        value = arg.value
        literal = value.value if isinstance(value, cst.Name) and value.value in ("True", "False") else None
        key = arg.keyword.value
        if key == "pre" and literal is not None:
            pre = literal == "True"
        elif key == "allow_reuse" or (key == "skip_on_failure" and kind == "root_validator"):
            continue  # v2 needs neither
        elif key == "check_fields" and kind == "validator":
            keep.append(arg)
        else:
            return None  # ``always``, ``each_item``, non-literal flags: no exact v2 form
    if kind == "root_validator" and (not pre or fields):
        return None  # an after-root-validator takes the model instance in v2
    if kind == "validator" and not fields:
        return None
    new_name = "field_validator" if kind == "validator" else "model_validator"
    local = context.imported_as(f"pydantic.{new_name}")
    if local is None:
        if not context.name_is_free(new_name):
            return None
        context.require("pydantic", new_name)
        local = new_name
    ported = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in fields + keep]
    if pre or kind == "root_validator":
        ported.append(keyword_argument("mode", cst.SimpleString('"before"')))
    for position in range(len(ported) - 1):
        ported[position] = ported[position].with_changes(comma=argument_separator())
    return cst.Call(func=cst.Name(local), args=ported)


def _port_parameters(kind: str, function: cst.FunctionDef) -> cst.FunctionDef | None:
    """v2 signatures: ``(cls, v)`` stays, ``(cls, v, values)`` becomes ``(cls, v, info)``
    with ``values`` read as ``info.data``; a root validator keeps ``(cls, values)``."""
    params = function.params
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg or params.kwonly_params or params.posonly_params:
        return None
    names = [param.name.value for param in params.params]
    if kind == "root_validator":
        return function if len(names) == 2 else None
    if len(names) == 2:
        return function
    if len(names) != 3 or names[2] != "values" or _rebinds(function.body, "values"):
        return None
    new_params = list(params.params)
    new_params[2] = new_params[2].with_changes(name=cst.Name("info"), annotation=None, default=None)
    body = function.body.visit(_values_to_info_data())
    return function.with_changes(params=params.with_changes(params=new_params), body=body)


def _values_to_info_data() -> cst.CSTTransformer:
    # defined on first use: LibCST's base class must not load with the registry
    class ValuesToInfoData(cst.CSTTransformer):
        """``values`` read as a variable becomes ``info.data``; attribute and keyword names
        that happen to be ``values`` (``d.values()``, ``f(values=...)``) stay."""

        def __init__(self) -> None:
            super().__init__()
            self._names: set[int] = set()  # Name nodes that are not variables

        def visit_Attribute(self, node: cst.Attribute) -> None:
            self._names.add(id(node.attr))

        def visit_Arg(self, node: cst.Arg) -> None:
            if node.keyword is not None:
                self._names.add(id(node.keyword))

        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
            if updated_node.value == "values" and id(original_node) not in self._names:
                return cst.Attribute(value=cst.Name("info"), attr=cst.Name("data"))
            return updated_node

    return ValuesToInfoData()


def _rebinds(body: cst.BaseSuite, name: str) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            nonlocal found
            found = found or (isinstance(node.target, cst.Name) and node.target.value == name)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            nonlocal found
            found = True  # a nested def may shadow or close over it: leave it alone
            return False

    body.visit(Finder())
    return found


def _is_classmethod(decorator: cst.Decorator) -> bool:
    return isinstance(decorator.decorator, cst.Name) and decorator.decorator.value == "classmethod"
