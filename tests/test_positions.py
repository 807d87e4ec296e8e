"""model/positions.py gives exactly PositionProvider's start for every node."""
from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from conftest import FIXTURES, REPOSITORY
from fastapi_rules.model.positions import node_starts

SOURCES = [
    *sorted(FIXTURES.rglob("*.py")),
    *sorted((REPOSITORY / "fastapi_rules").rglob("*.py")),
]
EDGE_CASES = {
    "crlf and tabs": "def f(a,\r\n\tb):\r\n\treturn (a +\r\n\t\tb)\r\n",
    "lone carriage returns": "x = 1\ry = [\r  2,\r]\r",
    "decorators and comments": "# c\n@a.b(1)\n@c\nasync def f():  # d\n    '''doc\n    string'''\n    await g(x=1)\n",
    "parentheses and strings": "x = ((a))(b)[c]\ny = f'{a!r:>{w}}' 'b' \\\n    'c'\n",
    "semicolons and backslashes": "a = 1; b = 2\nif a and \\\n   b: pass\n",
    "no trailing newline": "class A(B, metaclass=M):\n    x: int = 0",
}


def _compare(module: cst.Module) -> None:
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    starts = node_starts(module)
    assert set(starts) == {id(node) for node in expected}
    wrong = [
        (type(node).__name__, (rng.start.line, rng.start.column), starts[id(node)])
        for node, rng in expected.items()
        if starts[id(node)] != (rng.start.line, rng.start.column)
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases(source: str) -> None:
    _compare(cst.parse_module(source))


def test_every_node_of_every_fixture_and_of_this_package() -> None:
    compared = 0
    for path in SOURCES:
        try:
            module = cst.parse_module(path.read_bytes())
        except (cst.ParserSyntaxError, RecursionError, UnicodeDecodeError, SyntaxError):
            continue  # FAR001 and FAR002 fixtures
        try:
            _compare(module)
        except RecursionError:
            continue  # deeper than LibCST's own codegen goes (FAR002)
        compared += 1
    assert compared > 500
