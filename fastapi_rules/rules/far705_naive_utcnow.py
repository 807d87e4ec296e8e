from __future__ import annotations

from fastapi_rules.model import SettingSite
from fastapi_rules.rules.setting_rule import SettingRule


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
    """

    code = "FAR705"
    name = "naive-utcnow"
    message = "`datetime.{function}` gives a naive datetime and is deprecated; use `datetime.{replacement}` with `tz=timezone.utc`"
    seed = "beyond the seeds: 000 §2 and §5 examples use it; Python 3.12 deprecates it"
    kind = "naive_utc"

    def checks_tests(self) -> bool:
        return True

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        replacement = "now" if site.name == "utcnow" else "fromtimestamp"
        return {"function": site.name, "replacement": replacement}
