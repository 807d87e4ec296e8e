"""model/traversal.py calls a visitor's methods exactly as LibCST's own visit does."""
from __future__ import annotations

import dataclasses
import re

import libcst as cst
import libcst._version
import pytest

from conftest import FIXTURES, REPOSITORY
from fastapi_rules.model import child_fields, traversal
from fastapi_rules.model.builder import ModuleModelBuilder
from fastapi_rules.model.traversal import Walker

SOURCES = [
    *sorted(FIXTURES.rglob("*.py")),
    *sorted((REPOSITORY / "fastapi_rules").rglob("*.py")),
]
EDGE_CASES = {
    "every statement": (
        "import a.b as c\nfrom . import (d, e as f)\nfrom g import *\n"
        "@dec(x=1)\nasync def h(p, /, q: int = 2, *r, s, **t) -> None:\n"
        "    global u\n    async with a as b, c:\n        async for i in j: await k\n"
        "    try:\n        pass\n    except* E as e:\n        raise X from e\n    finally:\n        del v\n"
        "class K[T](B, metaclass=M):\n    x: int = 0\n    type Y = list[T]\n"
        "match m:\n    case [1, *rest] | {'k': v, **kw} | P(a=1) if rest: pass\n    case _: pass\n"
        "while w:\n    break\nelse:\n    continue_ = lambda a, *b: (yield a)\n"
        "n += 1; assert n, 'm'\nwith (a as b): nonlocal_ = not x\n"
    ),
    "every expression": (
        "x = [a for b in c if d], {a: b for c in d}, {a, *b}, (a async for b in c)\n"
        "y = a if b else c or d and not e < f <= g is not h in i\n"
        "z = f'{a!r:>{w}}' 'b', b'd', 1.5j, ..., a[1:2, ::3], -a ** ~b @ c // d\n"
        "w = (v := 1), *s, {**d}, f(*a, **k, x=1)\n"
    ),
}


def _module(source: str) -> cst.Module:
    return cst.parse_module(source)


def _recorder(handled: set[str] | None, skip: frozenset[str] = frozenset()) -> cst.CSTVisitor:
    """A visitor that records every call: of every node class, or of ``handled`` only;
    its visit methods for ``skip`` return False."""
    names = handled if handled is not None else set(child_fields.CHILD_FIELDS)
    events: list[tuple[str, str, int]] = []

    def visit(name: str):
        def method(self, node):
            events.append(("visit", name, id(node)))
            return False if name in skip else None
        return method

    def leave(name: str):
        def method(self, node):
            events.append(("leave", name, id(node)))
        return method

    methods = {f"visit_{n}": visit(n) for n in names} | {f"leave_{n}": leave(n) for n in names}
    recorder = type("Recorder", (cst.CSTVisitor,), methods)()
    recorder.events = events
    return recorder


def _same_calls(module: cst.Module, handled: set[str] | None, skip: frozenset[str] = frozenset()) -> None:
    expected, walked = _recorder(handled, skip), _recorder(handled, skip)
    module.visit(expected)
    Walker(type(walked)).walk(module, walked)
    assert walked.events == expected.events


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_visit_every_node_in_libcst_order(source: str) -> None:
    _same_calls(_module(source), None)


def test_every_fixture_and_this_package_in_libcst_order() -> None:
    """Every node class handled (nothing pruned), and only the builder's classes (the
    walk skips what cannot hold them)."""
    builder_handled = Walker(ModuleModelBuilder)._handled
    assert {"Call", "FunctionDef", "SimpleString"} <= builder_handled
    compared = 0
    for path in SOURCES:
        try:
            module = cst.parse_module(path.read_bytes())
        except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, UnicodeDecodeError):
            continue  # FAR001 and FAR002 fixtures
        try:
            # every class on the fixtures; the builder's classes on the package's sources
            _same_calls(module, None if path.is_relative_to(FIXTURES) else builder_handled)
        except RecursionError:
            continue  # deeper than LibCST's own visit goes (FAR002)
        compared += 1
    assert compared > 500


def test_a_visit_returning_false_skips_the_children_but_still_leaves() -> None:
    module = _module(EDGE_CASES["every statement"] + EDGE_CASES["every expression"])
    _same_calls(module, None, skip=frozenset({"FunctionDef", "Call", "ListComp"}))
    _same_calls(module, {"Name", "FunctionDef", "Call"}, skip=frozenset({"FunctionDef"}))


def test_a_node_class_the_table_was_not_made_for_is_walked_by_libcst(monkeypatch) -> None:
    """Another LibCST version's ``Call`` (other fields): the walk hands it to LibCST."""
    monkeypatch.setitem(child_fields.FIELD_NAMES, "Call", ("func", "args", "a_new_field"))
    walker = Walker(type(_recorder({"Name"})))
    module = _module("f(g(x), y=h(z))\n")
    expected, walked = _recorder({"Name"}), _recorder({"Name"})
    module.visit(expected)
    walker.walk(module, walked)
    assert walked.events == expected.events
    assert walker._plans[cst.Call] is None


def test_visitors_with_hooks_the_walk_does_not_call_are_refused() -> None:
    class AttributeHook(cst.CSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            pass

    class OnVisit(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            return True

    for visitor_class in (AttributeHook, OnVisit):
        with pytest.raises(TypeError):
            Walker(visitor_class)


def test_the_table_agrees_with_the_installed_libcst() -> None:
    """For every class the walk trusts (same dataclass fields), the visiting order is
    the one the installed LibCST's ``_visit_and_replace_children`` has."""
    trusted = 0
    for node_class in traversal._node_classes():
        name = node_class.__name__
        if child_fields.FIELD_NAMES.get(name) != tuple(f.name for f in dataclasses.fields(node_class)):
            continue
        assert [f for f, _ in child_fields.CHILD_FIELDS[name]] == list(traversal._visited_fields(node_class))
        trusted += 1
    assert trusted > 150


def test_the_table_is_generated_from_the_installed_libcst() -> None:
    committed = (REPOSITORY / "fastapi_rules/model/child_fields.py").read_text(encoding="utf-8")
    made_for = re.search(r"from LibCST (\S+);", committed)[1]
    if made_for != libcst._version.__version__:
        pytest.skip(f"table made for LibCST {made_for}, {libcst._version.__version__} installed")
    assert committed == traversal.generate(), "run: python -m fastapi_rules.model.traversal"
