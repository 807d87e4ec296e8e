from __future__ import annotations

from fastapi_rules.finding import Finding
from fastapi_rules.model import SettingSite
from fastapi_rules.rewrite import FixContext, argument_separator, cst, keyword_argument
from fastapi_rules.rules.setting_rule import SettingRule

AWARE = {"utcnow": "now", "utcfromtimestamp": "fromtimestamp"}


class NaiveUtcnow(SettingRule):
    """Naive UTC timestamp from `datetime.utcnow()` or `utcfromtimestamp()`.

    What it does:
    Flags calls of `datetime.datetime.utcnow()` and
    `datetime.datetime.utcfromtimestamp()`, resolved through the imports
    (`from datetime import datetime`, `import datetime as dt`), and the same
    functions passed uncalled, as in `Field(default_factory=datetime.utcnow)`
    or `Column(default=datetime.utcnow)`, which is the same bug deferred. Test
    files are checked too: the deprecation and the naive values are the same
    there. `arrow.utcnow()`, `pendulum` and other libraries are left alone.

    Why is this bad?
    Both return a *naive* `datetime` that merely happens to hold UTC: compared
    with an aware value it raises, serialised it has no offset (clients read
    it as local time), and stored in a `timestamptz` column it is shifted by
    the server's zone. Both are deprecated since Python 3.12. Use
    `datetime.now(timezone.utc)` / `datetime.fromtimestamp(ts, tz=timezone.utc)`.

    Fix (safe): `datetime.utcnow()` becomes `datetime.now(timezone.utc)` (or
    `datetime.now(UTC)` where `UTC` is imported; `from datetime import timezone`
    is added when nothing names it), `utcfromtimestamp(ts)` becomes
    `fromtimestamp(ts, tz=timezone.utc)`, and an uncalled `datetime.utcnow`
    becomes `lambda: datetime.now(timezone.utc)`.
    """

    code = "FAR705"
    name = "naive-utcnow"
    message = "`datetime.{function}` gives a naive datetime and is deprecated; use `datetime.{replacement}` with `tz=timezone.utc`"
    seed = "beyond the seeds: 000 §2 and §5 examples use it; Python 3.12 deprecates it"
    kind = "naive_utc"
    fix_safety = "safe"
    fix_node = ("Call", "Attribute")

    def checks_tests(self) -> bool:
        return True

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        replacement = "now" if site.name == "utcnow" else "fromtimestamp"
        return {"function": site.name, "replacement": replacement}

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        if isinstance(updated, cst.Call):
            func = updated.func
            if not isinstance(func, cst.Attribute) or func.attr.value not in AWARE:
                return None
            utc = _utc(context)
            if utc is None:
                return None
            aware = func.attr.value == "utcnow"
            if aware and updated.args:
                return None
            if not aware and (len(updated.args) != 1 or updated.args[0].keyword is not None):
                return None
            args = (
                [cst.Arg(utc)] if aware else [
                    updated.args[0].with_changes(comma=argument_separator()),
                    keyword_argument("tz", utc),
                ]
            )
            return updated.with_changes(
                func=func.with_changes(attr=cst.Name(AWARE[func.attr.value])), args=args
            )
        if isinstance(updated, cst.Attribute) and updated.attr.value == "utcnow":
            parent = context.ancestors[-1] if context.ancestors else None
            if isinstance(parent, cst.Call) and parent.func is original:
                return None  # the call itself is the finding
            utc = _utc(context)
            if utc is None:
                return None
            call = cst.Call(updated.with_changes(attr=cst.Name("now")), [cst.Arg(utc)])
            return cst.Lambda(cst.Parameters(), call)
        return None


def _utc(context: FixContext) -> cst.BaseExpression | None:
    """How this module names UTC: ``UTC``, ``timezone.utc``, ``datetime.timezone.utc``,
    or ``timezone.utc`` with the import added; None when ``timezone`` means something else."""
    if (name := context.imported_as("datetime.UTC")) is not None:
        return cst.Name(name)
    if (name := context.imported_as("datetime.timezone")) is not None:
        return cst.Attribute(cst.Name(name), cst.Name("utc"))
    if (module := context.imported_as("datetime")) is not None:
        return cst.Attribute(cst.Attribute(cst.Name(module), cst.Name("timezone")), cst.Name("utc"))
    if not context.name_is_free("timezone"):
        return None
    context.require("datetime", "timezone")
    return cst.Attribute(cst.Name("timezone"), cst.Name("utc"))
