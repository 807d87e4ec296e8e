"""The builder's fact mixins share one traversal: no mixin's visit method may hide another's."""
from __future__ import annotations

import libcst as cst

from fastapi_rules.model.builder import ModuleModelBuilder


def test_no_visit_method_is_defined_twice() -> None:
    owners: dict[str, list[str]] = {}
    for cls in ModuleModelBuilder.__mro__:
        if cls in (cst.CSTVisitor, object) or not cls.__module__.startswith("fastapi_rules"):
            continue
        for name in vars(cls):
            if name.startswith(("visit_", "leave_")):
                owners.setdefault(name, []).append(cls.__name__)
    twice = {name: classes for name, classes in owners.items() if len(classes) > 1}
    assert not twice, f"call one from the other through a hook: {twice}"
