from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary, SettingSite
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.setting_rule import SecretRule

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_ENVIRONMENT_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")
HEADER_NAMES = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization", "bearer", "basic"})
PLACEHOLDER_CHARACTERS = frozenset("<>{}[]|$%")


def words(text: str) -> set[str]:
    """``ACCESS_TOKEN`` -> {access, token}; ``accessToken`` -> {access, token}."""
    return {word.lower() for word in _WORDS.findall(text)}


class HardcodedSecret(SecretRule):
    """Secret written as a string literal in the source.

    What it does:
    Flags a non-empty string literal bound to a name matching `secrets.names`
    (`SECRET_KEY`, `JWT_SECRET`, `*_PASSWORD`, `API_KEY`, `*_TOKEN`...,
    case-insensitive): a module or class attribute (the defaults of
    `BaseSettings` fields and `Field("...")`/`Field(default="...")` included),
    or a keyword argument (`Redis(password="...")`); and a literal key passed
    to `jwt.encode`/`jwt.decode` (PyJWT, python-jose). `"changeme"` is a
    secret too. Values that are evidently not secrets are left alone: the
    empty string, messages (with whitespace), URLs and paths, a value made of
    the name's own words (`ACCESS_TOKEN = "access_token"`, a cookie or form
    field name), header names (`"X-API-Key"`, `"Authorization"`), environment
    variable names (`"OPENAI_API_KEY"`), templates and special tokens (`"{token}"`,
    `"<|endoftext|>"`), and enum members. Values read with `os.getenv(...)` or
    `os.environ[...]` (with or without a default) are not literals. Test files
    are skipped unless `secrets.check_tests` is set.

    Why is this bad?
    A secret in the source is in every clone, fork, CI log and container
    image, and cannot be rotated without a release; a default that "only
    applies in development" is what production runs when the variable is
    missing. Read it from the environment or a secrets manager, with no
    default, so a missing secret fails at startup.
    """

    code = "FAR701"
    name = "hardcoded-secret"
    message = "{what} is a hardcoded secret; read it from the environment or a secrets manager"
    seed = "000 §7 and §9 (never hardcode secrets); 001 (configuration from the environment)"
    kind = "secret"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        yield from super().check(summary, project)
        if summary.is_test and not self.checks_tests():
            return
        for site in summary.setting_sites:
            if site.kind == "jwt_key":
                yield self.finding(
                    summary, project.locations.locate(summary, site),
                    what=f"the key given to `{site.name}`",
                )

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        value = site.value
        if not self.options.is_secret_name(site.name) or _not_a_secret(value, site.name):
            return None
        return {"what": f"`{site.name}`"}


def _not_a_secret(value: str, name: str) -> bool:
    lowered = value.lower()
    return (
        words(value) <= words(name)
        or lowered in HEADER_NAMES
        or lowered.startswith("x-")
        or bool(_ENVIRONMENT_NAME.fullmatch(value))
        or any(character in PLACEHOLDER_CHARACTERS for character in value)
    )
