from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class JwtWithoutExpiry(Rule):
    """`jwt.encode` of a payload with no `exp` claim.

    What it does:
    Flags `jwt.encode(...)` (PyJWT, python-jose) whose payload is a dict
    literal without an `"exp"` key, written in the call or bound to a local
    name in the same function and not changed before the call
    (`payload["exp"] = ...` and `payload.update(...)` count as changes).
    Payloads with `**spread` or computed keys, payloads from parameters and
    FastAPI's documented `to_encode = data.copy(); to_encode.update({"exp": ...})`
    are left alone, and so is a `jwt.encode(...)` whose result is thrown away (a
    signing-key check at startup issues no token). Test files are not checked.

    Why is this bad?
    A token without `exp` is valid forever: one leaked from a log, a browser
    or a proxy keeps working long after the user logged out or lost access.
    """

    code = "FAR206"
    name = "jwt-without-expiry"
    message = "`jwt.encode` payload has no `exp` claim, so the token never expires; add an expiry"
    severity = "error"
    seed = "000 §3 (set proper token expiration); 001 JWT Authentication (token expiration)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test:
            return
        for site in summary.credential_sites:
            if site.kind == "encode_without_exp":
                yield self.finding(summary, site.location)
