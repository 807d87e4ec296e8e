"""``scan --fix`` / ``--diff``: the rewrites of rules that have one safe fix.

A rule with a fix names the node type its findings point at (``fix_node``) and
rewrites that node (``Rule.rewrite``). All fixes of one file are applied in one
LibCST transformation of the file, matched to findings by position; the file is
parsed for this once more (the analysis keeps summaries, not trees). The result must
parse again (LibCST and CPython's own compiler, which only parses) before it is
written, atomically, in the file's own encoding and newline style. Findings
silenced by ``# noqa`` never reach this module, so a fix never crosses a noqa.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from fastapi_rules.atomic import write_bytes_atomically
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.finding import Finding
from fastapi_rules.model.positions import node_starts
from fastapi_rules.result import LintResult
from fastapi_rules.rewrite import FixContext
from fastapi_rules.rules.base import Rule
from fastapi_rules.selection import instantiate, selected_rules


@dataclass
class FileFix:
    path: Path
    before: bytes
    after: bytes
    fixed: list[Finding] = field(default_factory=list)

    def diff(self, shown: str) -> str:
        encoding = "utf-8"
        before = self.before.decode(encoding, errors="replace").splitlines(keepends=True)
        after = self.after.decode(encoding, errors="replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(before, after, f"a/{shown}", f"b/{shown}"))


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        targets: dict[tuple[int, int], list[tuple[Finding, Rule]]],
        module_targets: dict[str, tuple[Rule, list[Finding]]],
        context: FixContext,
        starts: dict[int, tuple[int, int]],
    ) -> None:
        super().__init__()
        self.starts = starts  # id(node) -> where it starts in the parsed module, as the scan placed findings
        self.targets = targets
        self.module_targets = module_targets  # rules that rewrite the module as a whole
        self.context = context
        self.fixed: list[Finding] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.context.ancestors.append(node)
        if self.module_targets and isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Decorator, cst.SimpleStatementLine)):
            start = self.starts.get(id(node))
            if start is not None:
                self.context.positions[id(node)] = (start[0], start[1] + 1)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        self.context.ancestors.pop()
        updated = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.Module) and isinstance(updated, cst.Module):
            for rule, findings in self.module_targets.values():
                rewritten = rule.rewrite_module(original_node, updated, self.context, findings)
                if rewritten is not None:
                    updated = rewritten
                    self.fixed.extend(findings)
            return updated
        if not self.targets:
            return updated  # type: ignore[return-value]
        for finding, rule in self._findings_at(original_node):
            if type(original_node).__name__ not in rule.fix_node or finding in self.fixed:
                continue
            if not isinstance(updated, cst.CSTNode):
                break
            rewritten = rule.rewrite(original_node, updated, self.context, finding)
            if rewritten is not None:
                updated = rewritten
                self.fixed.append(finding)
        return updated  # type: ignore[return-value]


    def _findings_at(self, node: cst.CSTNode) -> list[tuple[Finding, Rule]]:
        """The findings placed at ``node`` and, for a ``def`` or ``class``, at one of
        its decorators (a fix that adds a decorator rewrites the whole definition)."""
        anchors: list[cst.CSTNode] = [node]
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            anchors.extend(node.decorators)
        found: list[tuple[Finding, Rule]] = []
        for anchor in anchors:
            start = self.starts.get(id(anchor))
            if start is not None:
                found.extend(self.targets.get((start[0], start[1] + 1), ()))
        return found


def fixable(rule: Rule, unsafe: bool) -> bool:
    return rule.fix_safety == "safe" or (unsafe and rule.fix_safety == "unsafe")


def fix_file(path: Path, findings: Sequence[Finding], rules: dict[str, Rule]) -> FileFix | None:
    """The rewritten file for ``findings`` (all of fixable rules), or None when
    nothing could be fixed or the result would not parse."""
    try:
        before = path.read_bytes()
        module = cst.parse_module(before)
    except (OSError, cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return None
    targets: dict[tuple[int, int], list[tuple[Finding, Rule]]] = {}
    module_targets: dict[str, tuple[Rule, list[Finding]]] = {}
    for finding in findings:
        rule = rules[finding.code]
        if rule.fix_node == ("Module",):
            module_targets.setdefault(rule.code, (rule, []))[1].append(finding)
        else:
            targets.setdefault((finding.line, finding.column), []).append((finding, rule))
    context = FixContext(module)
    try:
        rewriter = _Rewriter(targets, module_targets, context, node_starts(module))
        rewritten = module.visit(rewriter)
        if context.imports:
            codemod = CodemodContext()
            for import_module, name in context.imports:
                AddImportsVisitor.add_needed_import(codemod, import_module, name)
            rewritten = AddImportsVisitor(codemod).transform_module(rewritten)
        if context.unused_imports:
            codemod = CodemodContext()
            for import_module, name in context.unused_imports:
                RemoveImportsVisitor.remove_unused_import(codemod, import_module, name)
            rewritten = RemoveImportsVisitor(codemod).transform_module(rewritten)
        after = rewritten.bytes
    except (RecursionError, cst.ParserSyntaxError, cst.CSTValidationError):
        return None
    if not rewriter.fixed or after == before or not _parses(after):
        return None
    return FileFix(path, before, after, rewriter.fixed)


def _parses(data: bytes) -> bool:
    """LibCST and CPython both accept it (``compile`` with ONLY_AST executes nothing)."""
    try:
        cst.parse_module(data)
        compile(data, "<fixed>", "exec", dont_inherit=True, flags=0x400)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, MemoryError):
        return False
    return True


def plan(findings: Iterable[Finding], rules: Sequence[Rule], unsafe: bool) -> list[FileFix]:
    """The rewrites of every file with findings the selected rules can fix."""
    by_code = {rule.code: rule for rule in rules if fixable(rule, unsafe)}
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code in by_code:
            by_path.setdefault(finding.path, []).append(finding)
    fixes = []
    for shown, file_findings in sorted(by_path.items()):
        fix = fix_file(Path(shown), file_findings, by_code)
        if fix is not None:
            fixes.append(fix)
    return fixes


MAX_ROUNDS = 5  # a fix may make another one possible (ruff loops the same way)


@dataclass
class FixReport:
    result: LintResult  # the findings left after fixing (the tree linted again)
    fixes: list[FileFix]  # every rewrite written (planned, with ``write=False``), in order
    failed: list[tuple[Path, str]] = field(default_factory=list)  # could not be written: why

    @property
    def fixed(self) -> int:
        return sum(len(fix.fixed) for fix in self.fixes)


def fix_project(paths: list[Path], config: Config, unsafe: bool, write: bool) -> FixReport:
    """Lint, rewrite what can be fixed, lint again; ``write=False`` only plans (``--diff``)."""
    rules = instantiate(selected_rules(config), config)
    done: list[FileFix] = []
    failed: list[tuple[Path, str]] = []
    result = lint(paths, config)
    for _round in range(MAX_ROUNDS):
        fixes = plan(result.findings, rules, unsafe)
        if not fixes:
            break
        if not write:
            done.extend(fixes)
            break
        for fix in fixes:
            try:
                write_bytes_atomically(fix.path, fix.after)
            except OSError as error:
                failed.append((fix.path, error.strerror or str(error)))
            else:
                done.append(fix)
        result = lint(paths, config)
        if failed:
            break
    return FixReport(result, done, failed)
