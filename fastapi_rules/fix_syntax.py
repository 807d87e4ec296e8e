"""The pieces of call syntax the fixes build, spelled as black and ruff format them."""
from __future__ import annotations

import libcst as cst

# ``, `` between arguments
SEPARATOR = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def keyword_argument(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value``, without spaces around ``=``."""
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
