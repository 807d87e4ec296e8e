from __future__ import annotations

from fastapi_rules.model.pydantic import NON_SECRET_TYPES
from fastapi_rules.options import SchemaOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule, segment_words


class SecretInResponse(EndpointRule):
    """Response schema exposes a secret or a database table.

    What it does:
    Follows a route's response model (`response_model=`, else the return
    annotation) through `list[...]`, `Optional[...]`, `X | None`, base classes
    and nested model fields, across modules, and flags it when a field is named
    like a secret (`schemas.secret_fields`: `password`, `hashed_password`,
    `secret`, `api_key`, `token`, ...), or when the response model itself is an
    ORM table class (`SQLModel` with `table=True`, or a class with
    `__tablename__`). Token fields are allowed on `auth.public_paths` routes
    (login, token, refresh): issuing tokens is what they are for. Fields that
    cannot hold the secret's value are left alone: flags, numbers, dates,
    `SecretStr` (serialised masked), nested models, and fields a
    `@field_validator`/`@field_serializer` rewrites (a masking validator).
    A POST or PUT route that issues a credential (`schemas.issuance_words` in
    its path or handler name: `/api-keys`, `rotate_signing_secret`) may return
    the new credential (a field named with one of those words: `api_key`,
    `signing_secret`); a GET route returning the same model is flagged, since
    it shows the secret again, and so are other secrets (a password hash).

    Why is this bad?
    Whatever the response model declares is serialised to every caller. A
    password hash or key in a nested model leaks with every response, and
    returning the table class exposes every column added later.
    """

    code = "FAR604"
    name = "secret-in-response"
    message = "response model of `{method} {path}` {problem}; return a separate response schema without it"
    seed = "000 §2 (separate Response schemas); 003 Inviolable Rules (user isolation)"
    severity = "error"
    options_section = "schemas"
    Options = SchemaOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: SchemaOptions = self.options
        annotation = project.routing.response_annotation(endpoint)
        for name in project.classes.annotation_classes(annotation):
            if project.names.classes[name].is_table:
                return {"problem": f"is the table class `{name.rsplit('.', 1)[-1]}`"}
        token_allowed = project.auth.is_public(endpoint.full_path)
        models = project.classes.model_classes(annotation)
        # ``POST /api-keys`` hands the new key to its owner: that is its job. A GET that
        # returns the same model (and so the key, again) is flagged on its own: the fix
        # belongs there. Other secrets in the model (a password hash) are still flagged.
        issued = self.options.issuance_words if self._issues_credential(endpoint) else ()
        pending = [(model, model.rsplit(".", 1)[-1]) for model in models]
        seen: set[str] = set()
        while pending:
            model, trail = pending.pop(0)
            if model in seen:
                continue
            seen.add(model)
            for owner, field, field_annotation in project.classes.model_fields(model):
                if (
                    options.is_secret(field, token_allowed)
                    and not set(field.lower().split("_")) & set(issued)
                    and _may_carry_secret(field_annotation)
                    and not project.classes.annotation_classes(field_annotation)  # a structure
                    and field not in project.names.classes[owner].transformed_fields
                ):
                    return {"problem": f"exposes `{trail}.{field}`"}
                pending.extend(
                    (nested, f"{trail}.{field}") for nested in project.classes.model_classes(field_annotation)
                )
        return None

    def _issues_credential(self, endpoint: Endpoint) -> bool:
        if not {"POST", "PUT"} & set(endpoint.route.methods):
            return False
        words = {word for segment in segment_words(endpoint.full_path) for word in segment}
        if endpoint.handler is not None:
            words.update(endpoint.handler.name.lower().split("_"))
        return bool(words & set(self.options.issuance_words))


def _may_carry_secret(annotation: str) -> bool:
    """Not a flag, number, date or ``SecretStr`` (which serialises masked)."""
    names = [n for n in annotation.replace("|", " ").replace("None", " ").split() if n]
    return not names or any(name not in NON_SECRET_TYPES for name in names)
