"""The values of paths and prefixes written with names: a constant imported from another
module, a class attribute, a settings object's field default
(``prefix=settings.API_V1_STR`` with ``API_V1_STR: str = "/api/v1"`` in ``Settings``)."""
from __future__ import annotations

from fastapi_rules.model.vocabulary import REFERENCE, UNKNOWN_PART
from fastapi_rules.project.names import MAX_DEPTH, Names


class Values:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.strings = {qualname: text for summary in names.summaries for qualname, text in summary.strings}

    def text(self, path: str | None) -> str | None:
        """``path`` with each reference replaced by its value, or by ``UNKNOWN_PART``."""
        if path is None or REFERENCE not in path:
            return path
        parts = path.split(REFERENCE)
        return "".join(
            part if index % 2 == 0 else (self.string(part) or UNKNOWN_PART)
            for index, part in enumerate(parts)
        )

    def string(self, qualname: str, depth: int = 0) -> str | None:
        """The string a name holds when the module is loaded, if the code says."""
        if depth > MAX_DEPTH:
            return None
        resolved = self.names.resolve(qualname) or qualname
        if resolved in self.strings:
            return self.strings[resolved]
        owner, _, attribute = resolved.rpartition(".")
        cls = self._class_of(owner)
        if cls is None:
            if resolved != qualname:
                return self.string(resolved, depth + 1)
            return None
        for info in self.names.class_lineage(cls):
            value = dict(info.strings).get(attribute)
            if value is not None:
                return value
        return None

    def _class_of(self, owner: str) -> str | None:
        """The project class ``owner`` is, or the class of the module-level instance it
        names (``settings = Settings()``)."""
        resolved = self.names.resolve(owner)
        if resolved is None:
            return None
        if resolved in self.names.classes:
            return resolved
        return self.names.instance_class(resolved)
