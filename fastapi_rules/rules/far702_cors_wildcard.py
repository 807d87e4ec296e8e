from __future__ import annotations

from fastapi_rules.model import SettingSite
from fastapi_rules.rules.setting_rule import SettingRule


class CorsWildcard(SettingRule):
    """CORS allows every origin.

    What it does:
    Flags `allow_origins=["*"]` given to Starlette's `CORSMiddleware`
    (imported from `starlette.middleware.cors` or `fastapi.middleware.cors`),
    through `app.add_middleware(CORSMiddleware, ...)`,
    `Middleware(CORSMiddleware, ...)` or `CORSMiddleware(app, ...)`; the list
    may be a module-level constant (`origins = ["*"]`). With a literal
    `allow_credentials=True` the message says so: that combination is the
    serious one. Origins read from settings or the environment are trusted;
    test files are not checked.

    Why is this bad?
    A wildcard lets any web page call the API from a visitor's browser and
    read the answers. With credentials Starlette does not even send `*`: it
    echoes each caller's `Origin` back, so every site on the internet can
    make requests with the user's cookies and read the responses. List the
    front-end origins in configuration.
    """

    code = "FAR702"
    name = "cors-wildcard"
    message = "{problem}; list the allowed origins in configuration"
    seed = "000 §6 (CORS configuration); 002 (security middleware)"
    kind = "cors"

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        if site.value == "credentials":
            problem = '`allow_origins=["*"]` with `allow_credentials=True` lets every site make authenticated requests'
        else:
            problem = '`allow_origins=["*"]` lets every site call this API from a browser'
        return {"problem": problem}
