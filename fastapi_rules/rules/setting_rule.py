"""What the configuration and security rules (FAR701-FAR706) share: one verdict per site."""
from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary, SettingSite
from fastapi_rules.options import SecretOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class SettingRule(Rule):
    """Asks ``problem`` of each ``SettingSite`` of its ``kind`` in the module; test files
    are skipped unless ``checks_tests`` says otherwise."""

    kind: ClassVar[str]

    def checks_tests(self) -> bool:
        return False

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test and not self.checks_tests():
            return
        for site in summary.setting_sites:
            if site.kind == self.kind and (fields := self.problem(site)) is not None:
                yield self.finding(summary, project.locations.locate(summary, site), **fields)

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        """Message fields when this site breaks the rule, else None."""
        raise NotImplementedError


class SecretRule(SettingRule):
    """FAR701 and FAR703: options in ``[tool.fastapi-rules.secrets]``, tests optional."""

    options_section = "secrets"
    Options = SecretOptions

    def checks_tests(self) -> bool:
        return self.options.check_tests
