"""Where a fact is in its file.

Module summaries are built without positions, except in modules that report: working
positions out costs a pass over every tree. The first finding in a module builds its
summary again with positions (one more parse of that file), and every site of the
module is placed from that one.
"""
from __future__ import annotations

import dataclasses
from typing import Protocol

from fastapi_rules.model import FunctionInfo, Location, ModuleSummary, ObjectSite


class Site(Protocol):
    @property
    def location(self) -> Location | None: ...


class Locations:
    def __init__(self, extra_blocking: frozenset[str]) -> None:
        self.extra_blocking = extra_blocking  # as the summaries were built, to rebuild one
        self._located: dict[str, ModuleSummary | None] = {}

    def locate(self, summary: ModuleSummary, site: Site, within: FunctionInfo | None = None) -> Location:
        """Where ``site`` is: a function or module-level object of ``summary``, one of its
        error or setting sites, or a site of the function ``within`` (a call, a raise,
        a database write)."""
        if site.location is not None:
            return site.location
        if within is not None:
            return self._in_function(summary, within, site)
        if isinstance(site, FunctionInfo):
            located_function = self._located_function(summary, site)
            return (located_function.location if located_function else None) or Location(1, 1)
        if isinstance(site, ObjectSite):
            located = self._located_module(summary)
            found = next(
                (o for o in (located.objects if located else ()) if o.qualname == site.qualname),
                None,
            )
            return (found.location if found else None) or Location(1, 1)
        for index, error_site in enumerate(summary.error_sites):
            if error_site is site:
                return self._error_site(summary, index)
        for index, setting_site in enumerate(summary.setting_sites):
            if setting_site is site:
                return self._setting_site(summary, index)
        raise LookupError(f"{site!r} is not a site of {summary.path}")

    def _in_function(self, summary: ModuleSummary, function: FunctionInfo, site: Site) -> Location:
        field_name, index = _address(function, site)
        located = self._located_function(summary, function)
        position = getattr(located, field_name)[index].location if located else None
        return position or function.location or Location(1, 1)  # the file changed under us

    def _error_site(self, summary: ModuleSummary, index: int) -> Location:
        located = self._located_module(summary)
        sites = located.error_sites if located else ()
        position = sites[index].location if index < len(sites) else None
        return position or Location(1, 1)

    def _setting_site(self, summary: ModuleSummary, index: int) -> Location:
        site = summary.setting_sites[index]
        located = self._located_module(summary)
        sites = located.setting_sites if located else ()
        found = sites[index] if index < len(sites) else None
        if found is None or (found.kind, found.name) != (site.kind, site.name):
            return Location(1, 1)  # the file changed under us
        return found.location or Location(1, 1)

    def _located_module(self, summary: ModuleSummary) -> ModuleSummary | None:
        if summary.path not in self._located:
            # the one re-parse of a reported file; LibCST loads with it
            from fastapi_rules.model.builder import located_summary  # noqa: PLC0415

            self._located[summary.path] = located_summary(summary, self.extra_blocking)
        return self._located[summary.path]

    def _located_function(
        self, summary: ModuleSummary, function: FunctionInfo
    ) -> FunctionInfo | None:
        located = self._located_module(summary)
        return next(
            (f for f in (located.functions if located else ()) if f.qualname == function.qualname),
            None,
        )


def _address(function: FunctionInfo, site: Site) -> tuple[str, int]:
    """The field of ``function`` that holds ``site`` (this very object), and its index."""
    for field in dataclasses.fields(function):
        value = getattr(function, field.name)
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                if item is site:
                    return field.name, index
    raise LookupError(f"{site!r} is not a site of {function.qualname}")
