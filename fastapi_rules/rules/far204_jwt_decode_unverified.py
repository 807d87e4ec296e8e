from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule

PROBLEMS = {
    "decode_without_algorithms": "without `algorithms=` lets the token choose how it is verified; pin the algorithms",
    "decode_unverified": "with `{detail}` accepts forged tokens: nothing in the claims can be trusted; keep verification on",
    "decode_expiry_unverified": "with `{detail}` accepts expired tokens; keep the check on, or check `exp` where the claims are read",
}


class JwtDecodeUnverified(Rule):
    """`jwt.decode` without pinned algorithms, or with verification switched off.

    What it does:
    Flags `jwt.decode(...)` of PyJWT (`import jwt`) and python-jose
    (`from jose import jwt`) called without an `algorithms=` keyword, or with
    `options={"verify_signature": False}`, `options={"verify_exp": False}` or
    PyJWT 1's `verify=False`. With `verify_exp` off, a function that reads the
    `exp` claim itself checks expiry by hand and is left alone. A non-literal `algorithms=settings.JWT_ALGORITHMS`
    is trusted; `jwt.get_unverified_header()`, a project's own `decode()` and
    `jwt.decode(token, **options)` are left alone. Test files are not checked.

    Why is this bad?
    Without a pinned list the token's own `alg` header decides how it is
    checked: python-jose accepts any algorithm the key allows, and the
    classic attacks (`alg: none`, an RS256 public key used as an HS256 secret)
    forge tokens. With signature or expiry checks off, any token, forged or
    stolen long ago, is accepted.
    """

    code = "FAR204"
    name = "jwt-decode-unverified"
    message = "`jwt.decode` {problem}"
    severity = "error"
    seed = "000 §3 (JWT authentication); 001 JWT Authentication (secure token validation)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test:
            return
        for site in summary.credential_sites:
            if site.kind in PROBLEMS:
                yield self.finding(
                    summary, site.location, problem=PROBLEMS[site.kind].format(detail=site.detail)
                )
