from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import CredentialOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class FastPasswordHash(Rule):
    """Password hashed with a fast digest.

    What it does:
    Flags `hashlib.md5/sha1/sha256/sha512/sha3_*/blake2b(...)` and
    `hashlib.new(name, ...)`, and `.update(...)` on such a digest, when the
    hashed value is named like a password (`credentials.password_names`:
    `password`, `user.password`, `password.encode()`, `f"{salt}{password}"`).
    Digests of files, tokens and API keys (high-entropy values, where a fast
    digest is right), `hashlib.pbkdf2_hmac`, `hashlib.scrypt`, bcrypt,
    argon2, passlib and pwdlib are left alone. Test files are not checked.

    Why is this bad?
    General-purpose digests are built to be fast: a GPU tries billions of
    SHA-256 guesses per second, so a leaked table of such hashes gives up most
    passwords in hours, salted or not. Password hashes must be slow and
    memory-hard (bcrypt, argon2, scrypt).
    """

    code = "FAR205"
    name = "fast-password-hash"
    message = "password `{value}` hashed with the fast digest `{digest}`; use argon2 or bcrypt (pwdlib, passlib) or `hashlib.scrypt`"
    severity = "error"
    seed = "000 §3 (hash passwords using bcrypt or argon2)"
    options_section = "credentials"
    Options = CredentialOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test:
            return
        for site in summary.credential_sites:
            if site.kind != "fast_password_hash":
                continue
            digest, *names = site.detail.split(":")
            password = next((name for name in names if self.options.is_password(name)), None)
            if password is not None:
                yield self.finding(summary, site.location, value=password, digest=digest)
