from __future__ import annotations

from fastapi_rules.model import SettingSite
from fastapi_rules.rules.setting_rule import SettingRule


class InsecureCookie(SettingRule):
    """Cookie set without `httponly=True` or `secure=True`.

    What it does:
    Flags a `set_cookie(...)` call (Starlette's `Response.set_cookie`, by
    keyword or position) that leaves `httponly` or `secure` out or gives them
    a literal `False`, and names what is missing; `samesite="none"` without
    `secure=True` is called out. Starlette's default is `samesite="lax"`, so a
    missing `samesite` is not a finding. A flag whose value is not a literal
    (`secure=settings.COOKIE_SECURE`) is trusted, a call with `**options` is
    left alone, and a cookie whose literal name contains `csrf` or `xsrf` may
    skip `httponly` (the double-submit pattern needs the page's script to read
    it). A cookie whose value is a literal flag (`"true"`, `"1"`, `"no"`...),
    such as lnbits' `is_lnbits_user_authorized`, carries no credential and is
    left alone. Test files are not checked.

    Why is this bad?
    Without `httponly` any injected script can read the cookie and send the
    session elsewhere; without `secure` the browser also sends it over plain
    HTTP, where anyone on the network can read it; browsers reject
    `samesite="none"` without `secure`.
    """

    code = "FAR704"
    name = "insecure-cookie"
    message = "`set_cookie` without {missing}"
    seed = "000 §9 (secure cookies)"
    kind = "cookie"

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        return {"missing": " and ".join(f"`{part}`" for part in site.value.split(", "))}
