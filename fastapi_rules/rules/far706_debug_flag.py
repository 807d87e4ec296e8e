from __future__ import annotations

from fastapi_rules.model import SettingSite
from fastapi_rules.rules.setting_rule import SettingRule


class DebugFlag(SettingRule):
    """Development flag switched on in application code.

    What it does:
    Flags a literal `debug=True` given to `FastAPI(...)` (or Starlette) and a
    literal `reload=True` given to `uvicorn.run(...)` or `uvicorn.Config(...)`,
    resolved by qualified name. A value read from settings or the environment
    (`debug=settings.DEBUG`, `reload=os.getenv("RELOAD") == "1"`) is the fix,
    not a finding; test files are not checked. A `uvicorn.run(..., reload=True)`
    under `if __name__ == "__main__":` is still flagged: that block is how the
    service is started wherever someone runs `python main.py`.

    Why is this bad?
    `debug=True` makes every unhandled error answer with a full traceback:
    source lines, file paths and local values for anyone who triggers one.
    `reload=True` watches the file system and restarts the worker on changes,
    a development convenience that costs CPU and restarts production
    processes. Both belong to configuration, off by default.
    """

    code = "FAR706"
    name = "debug-flag"
    message = "`{keyword}=True` in `{callee}(...)` is a development setting; read it from configuration, off by default"
    seed = "000 §9 (production configuration)"
    kind = "debug"

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        callee = site.value if site.value.startswith("uvicorn.") else site.value.rsplit(".", 1)[-1]
        return {"keyword": site.name, "callee": callee}
