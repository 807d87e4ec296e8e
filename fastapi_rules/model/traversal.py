"""A read-only walk of a LibCST tree, in LibCST's own visiting order, at a fraction of
the cost of ``node.visit(visitor)``.

LibCST's ``visit`` rebuilds every node as it goes (``_visit_and_replace_children``
constructs a new node from the visited children, for transformers), and calls the
attribute hooks for every field: on the benchmark's files a no-op ``CSTVisitor``
walk costs twice the parse. The model builder only reads. ``walk`` calls the same
``visit_<Node>`` and ``leave_<Node>`` methods in the same order (children in the
order ``_visit_and_replace_children`` visits them: source order), honours a visit
method's ``False`` (skip the children, still leave), and does not enter whitespace,
comments and punctuation when the visitor has no method for them (they can hold
nothing else).

The visiting order comes from ``child_fields.py``, generated from the installed
LibCST's source by ``python -m fastapi_rules.model.traversal``; a test keeps it in
sync. A node class whose dataclass fields differ from those the table was made for
(another LibCST version) is walked by LibCST's own ``visit``, so a stale table costs
speed, never a different answer.
"""
from __future__ import annotations

import dataclasses

import libcst as cst

from fastapi_rules.model.child_fields import CHILD_FIELDS, FIELD_NAMES, SUBCLASSES

# (visit method name, leave method name, the fields to enter), or None: LibCST walks it
_Plan = tuple[str | None, str | None, tuple[str, ...]] | None


class Walker:
    """Walks trees for visitors of one class; what to enter is worked out once per node class.

    A node is entered only if its class has a visit or leave method, or one of its fields
    can hold (by annotation) a node that is entered: whitespace, punctuation and, for the
    model builder, names and numbers are never walked.
    """

    def __init__(self, visitor_class: type) -> None:
        self.visitor_class = visitor_class
        # LibCST's base classes declare a no-op for every hook: only the visitor's own count
        hooks = {
            name for klass in visitor_class.__mro__ if not klass.__module__.startswith("libcst")
            for name in vars(klass) if name.startswith(("visit_", "leave_"))
        }
        if any(name.count("_") > 1 and name.split("_")[1] in CHILD_FIELDS for name in hooks):
            raise TypeError(f"{visitor_class.__name__}: attribute hooks need LibCST's own visit")
        if any(
            name in vars(klass) for klass in visitor_class.__mro__
            if not klass.__module__.startswith("libcst") for name in ("on_visit", "on_leave")
        ):
            raise TypeError(f"{visitor_class.__name__}: on_visit/on_leave need LibCST's own visit")
        self._visits = {name.split("_", 1)[1] for name in hooks if name.startswith("visit_")}
        self._leaves = {name.split("_", 1)[1] for name in hooks if name.startswith("leave_")}
        self._handled = (self._visits | self._leaves) & CHILD_FIELDS.keys()
        self._entered = self._entered_classes()
        self._plans: dict[type, _Plan] = {}

    def _entered_classes(self) -> set[str]:
        entered = set(self._handled)
        while True:
            grown = entered | {
                name for name, fields in CHILD_FIELDS.items()
                if any(self._admits(declared) & entered for _, declared in fields)
            }
            if grown == entered:
                return entered
            entered = grown

    @staticmethod
    def _admits(declared: tuple[str, ...]) -> set[str]:
        return {name for base in declared for name in (base, *SUBCLASSES.get(base, ()))}

    def _plan(self, node_class: type) -> _Plan:
        name = node_class.__name__
        known = getattr(cst, name, None) is node_class and FIELD_NAMES.get(name) == tuple(
            f.name for f in dataclasses.fields(node_class)
        )
        plan: _Plan = None  # a node this table was not made for
        if known:
            plan = (
                f"visit_{name}" if name in self._visits else None,
                f"leave_{name}" if name in self._leaves else None,
                tuple(
                    field_name for field_name, declared in CHILD_FIELDS[name]
                    if self._admits(declared) & self._entered
                ),
            )
        self._plans[node_class] = plan
        return plan

    def walk(self, root: cst.CSTNode, visitor: object) -> None:
        """Call ``visitor``'s visit and leave methods over ``root``'s tree, as
        ``root.visit(visitor)`` does for a ``CSTVisitor``."""
        plans = self._plans
        make_plan = self._plan
        absent = cst.MaybeSentinel

        def enter(node: cst.CSTNode) -> None:
            node_class = node.__class__
            try:
                plan = plans[node_class]
            except KeyError:
                plan = make_plan(node_class)
            if plan is None:
                node.visit(visitor)  # type: ignore[arg-type]
                return
            visit, leave, fields = plan
            if visit is None or getattr(visitor, visit)(node) is not False:
                for field_name in fields:
                    # a node, a sequence of nodes, None or MaybeSentinel (not ``isinstance``:
                    # with LibCST's ABC-based classes it costs a Python call per field)
                    child = getattr(node, field_name)
                    child_class = child.__class__
                    if child_class is tuple or child_class is list:
                        for item in child:
                            enter(item)
                    elif child is not None and child_class is not absent:
                        enter(child)
            if leave is not None:
                getattr(visitor, leave)(node)

        try:
            enter(root)
        finally:
            # ``enter`` refers to itself: unbroken, that cycle would keep the visitor and
            # the whole tree for the garbage collector instead of freeing them here
            enter = None  # type: ignore[assignment]  # noqa: F841


_WALKERS: dict[type, Walker] = {}


def walk(root: cst.CSTNode, visitor: object) -> None:
    """``root.visit(visitor)`` for a read-only visitor, by the visitor class's ``Walker``."""
    visitor_class = type(visitor)
    walker = _WALKERS.get(visitor_class)
    if walker is None:
        walker = _WALKERS[visitor_class] = Walker(visitor_class)
    walker.walk(root, visitor)


# -- generating child_fields.py --------------------------------------------------------------
def _node_classes() -> list[type]:
    found: dict[str, type] = {}
    pending = [cst.CSTNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if getattr(cst, subclass.__name__, None) is subclass and dataclasses.is_dataclass(subclass):
                found[subclass.__name__] = subclass
    return [found[name] for name in sorted(found)]


def _visited_fields(node_class: type) -> tuple[str, ...]:
    """The fields ``_visit_and_replace_children`` visits, in its order: the keyword
    arguments of the node it constructs whose values call a ``visit_*`` helper
    (keyword arguments are evaluated left to right)."""
    import ast  # noqa: PLC0415 - only when generating
    import inspect  # noqa: PLC0415
    import textwrap  # noqa: PLC0415

    owner = next(k for k in node_class.__mro__ if "_visit_and_replace_children" in k.__dict__)
    function = ast.parse(textwrap.dedent(inspect.getsource(owner._visit_and_replace_children))).body[0]

    def calls_visit(tree: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id.startswith("visit_")
            for n in ast.walk(tree)
        )

    constructions = [
        n for n in ast.walk(function)
        if isinstance(n, ast.Call) and (
            (isinstance(n.func, ast.Name) and n.func.id == owner.__name__)
            or (isinstance(n.func, ast.Attribute) and n.func.attr == "__class__")
        )
    ]
    if not constructions:
        if calls_visit(function):
            raise ValueError(f"{node_class.__name__}: visits children outside a construction")
        return ()  # a leaf: ``return self``
    if len(constructions) != 1:
        raise ValueError(f"{node_class.__name__}: {len(constructions)} constructions")
    (construction,) = constructions
    outside = [s for s in function.body if s is not construction and calls_visit(s)]
    if any(construction not in list(ast.walk(s)) for s in outside):
        raise ValueError(f"{node_class.__name__}: visits children outside its construction")
    return tuple(k.arg for k in construction.keywords if k.arg and calls_visit(k.value))


def _declared_classes(node_class: type, field_name: str) -> tuple[str, ...]:
    """The node classes a field's annotation names (``Union``, ``Sequence`` unwrapped)."""
    import typing  # noqa: PLC0415

    pending = [typing.get_type_hints(node_class)[field_name]]
    declared: set[str] = set()
    while pending:
        hint = pending.pop()
        arguments = typing.get_args(hint)
        if arguments:
            pending.extend(arguments)
        elif isinstance(hint, type) and issubclass(hint, cst.CSTNode):
            declared.add(hint.__name__)
    return tuple(sorted(declared))


def generate() -> str:
    """The text of ``child_fields.py`` for the installed LibCST."""
    import libcst._version  # noqa: PLC0415

    classes = _node_classes()
    children = {
        c.__name__: tuple((f, _declared_classes(c, f)) for f in _visited_fields(c)) for c in classes
    }
    declared = {name for fields in children.values() for _, names in fields for name in names}
    subclasses = {
        base.__name__: tuple(c.__name__ for c in classes if issubclass(c, base) and c is not base)
        for base in classes if base.__name__ in declared
    }
    lines = [
        '"""Generated by ``python -m fastapi_rules.model.traversal`` from LibCST '
        f"{libcst._version.__version__}; do not edit.",
        "",
        "CHILD_FIELDS: the fields each node's ``_visit_and_replace_children`` visits, in its",
        "order, each with the node classes its annotation names. SUBCLASSES: the other",
        "classes a named class admits. FIELD_NAMES: every dataclass field, to tell a node of",
        "another LibCST version from the one this table was made for.",
        '"""',
        "CHILD_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {",
        *(f"    {name!r}: {fields!r}," for name, fields in children.items()),
        "}",
        "SUBCLASSES: dict[str, tuple[str, ...]] = {",
        *(f"    {name!r}: {names!r}," for name, names in subclasses.items() if names),
        "}",
        "FIELD_NAMES: dict[str, tuple[str, ...]] = {",
        *(f"    {c.__name__!r}: {tuple(f.name for f in dataclasses.fields(c))!r}," for c in classes),
        "}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("child_fields.py").write_text(generate(), encoding="utf-8")
