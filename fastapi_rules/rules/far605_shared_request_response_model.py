from __future__ import annotations

from fastapi_rules.options import SchemaOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule


class SharedRequestResponseModel(EndpointRule):
    """The same model is a route's request body and its response model.

    What it does:
    Flags a route whose handler takes a Pydantic model as the request body and
    declares that same class (not a subclass, not `list[...]` of it) as its
    response model, when the two directions must differ: the model is an ORM
    table class, has a secret field (`schemas.secret_fields`, echoed back) or a
    field the server sets (`schemas.server_fields`: `created_at`, ...; clients
    could set it). A plain data model used both ways, as in FastAPI's own
    tutorials, is left alone, and so is the usual split (`ItemCreate` in,
    `ItemPublic` out, both built on `ItemBase`).

    Why is this bad?
    The input and the output of an API differ: clients must not send `id`,
    `created_at` or `owner_id`, and responses must not echo write-only fields
    such as a password. One shared model either accepts fields clients must not
    set or returns fields they must not see, and the two can no longer evolve
    apart.
    """

    code = "FAR605"
    name = "shared-request-response-model"
    message = "`{model}` is both the request body and the response model of `{method} {path}` and {problem}; use separate Create and Public schemas"
    options_section = "schemas"
    Options = SchemaOptions
    seed = "000 §2 (separate schemas for Create, Update, and Response)"

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        handler = endpoint.handler
        if handler is None or not handler.body_types:
            return None
        response = project.names.resolve(project.routing.response_annotation(endpoint))
        if response is None or not project.classes.is_model(response):
            return None  # ``list[Item]``, ``Item | None``: not the same shape as the body
        if response not in {project.names.resolve(body) for body in handler.body_types}:
            return None
        problem = self._problem(response, project)
        if problem is None:
            return None
        return {"model": response.rsplit(".", 1)[-1], "problem": problem}

    def _problem(self, model: str, project: ProjectIndex) -> str | None:
        """Why one schema cannot serve both ways, or None for a plain data model."""
        options: SchemaOptions = self.options
        if project.names.classes[model].is_table:
            return "it is a table class"
        for _owner, field, _annotation in project.classes.model_fields(model):
            if options.is_secret(field):
                return f"its `{field}` would be echoed back"
            if options.is_server_set(field):
                return f"clients could set its `{field}`"
        return None
