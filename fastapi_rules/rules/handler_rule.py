"""What the parameter rules (FAR804, FAR805) share: sites of the module's handlers."""
from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fastapi_rules.finding import Finding
from fastapi_rules.model import FunctionInfo, ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class HandlerSiteRule(Rule):
    """Reports every ``CallSite`` in ``field_name`` of the module's functions that
    ``applies_to`` selects, at the site."""

    field_name: ClassVar[str]

    def applies_to(self, function: FunctionInfo, project: ProjectIndex) -> bool:
        raise NotImplementedError

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for function in summary.functions:
            sites = getattr(function, self.field_name)
            if not sites or not self.applies_to(function, project):
                continue
            for site in sites:
                yield self.finding(
                    summary,
                    project.locations.locate(summary, site, within=function),
                    parameter=site.name,
                    function=function.name,
                )
