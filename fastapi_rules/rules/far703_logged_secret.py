from __future__ import annotations

from fastapi_rules.model import SettingSite
from fastapi_rules.rules.setting_rule import SecretRule


class LoggedSecret(SecretRule):
    """Sensitive value written to a log or printed.

    What it does:
    Flags a logging call (`logger.info(...)` on a receiver whose name contains
    `log`, `logging.warning(...)`, structlog/loguru-style methods) or a
    `print(...)` whose message interpolates a value named like
    `secrets.logged_names` (`password`, `token`, `access_token`, `api_key`,
    `authorization`...): an f-string part, a `%` or `.format()` argument, a
    further argument or keyword of the call. The value must be the sensitive
    thing itself: a name, an attribute (`user.password`), a subscript or
    `.get()` with a literal key (`request.headers["Authorization"]`).
    Anything computed from it (`len(token)`, `token[:8]`, `token is None`,
    `bool(api_key)`) is left alone, and so are LLM words such as
    `max_tokens` or `total_tokens`, which the default names do not match.
    Test files are skipped unless `secrets.check_tests` is set.

    Why is this bad?
    Logs are copied to aggregators, tickets and laptops, kept for months and
    read by far more people than the database: a password or token in them is
    a credential leak that outlives its rotation.
    """

    code = "FAR703"
    name = "logged-secret"
    message = "`{name}` is written to the log; log an identifier or a masked value instead"
    seed = "000 §9 (never log sensitive data)"
    kind = "logged"

    def problem(self, site: SettingSite) -> dict[str, str] | None:
        found = next((name for name in site.names if self.options.is_logged_secret(name)), None)
        return {"name": found} if found is not None else None
