from __future__ import annotations

import fnmatch
import re

from fastapi_rules.model import FunctionInfo
from fastapi_rules.options import RouteOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.endpoint_rule import EndpointRule, segment_words

COLLECTION = re.compile(
    r"^(builtins\.list|list|typing\.List|typing\.Sequence|collections\.abc\.Sequence)\["
)

# A list of scalars is a vocabulary (tags, currency codes, the distinct values of a
# facet), bounded by what it enumerates rather than by the rows of a table.
SCALAR_LIST = re.compile(
    r"^[\w.]*(list|List|Sequence)\[(builtins\.)?(str|int|float|bool|bytes|uuid\.UUID)\]$"
)


class UnpaginatedCollection(EndpointRule):
    """Collection GET route without pagination parameters.

    What it does:
    Flags a GET route whose response model (`response_model=` or the return
    annotation) is `list[...]`, `List[...]` or `Sequence[...]` when neither
    the handler nor any dependency it uses (followed across modules) takes a
    pagination parameter (`routes.pagination_parameters`: `limit`, `offset`,
    `skip`, `page`, `page_size`, `per_page`, `size`, `cursor`). A `Request`
    (`WebSocket`, `Response`, `BackgroundTasks`...) parameter, such as an auth
    dependency's, is no pagination source and is skipped: a page size read by
    hand from `request.query_params` is neither seen nor in the OpenAPI
    schema. Routes whose dependencies cannot all be resolved (or take
    `**kwargs`) are left alone, and so are lists of
    scalars (`list[str]`, `list[int]`: tag vocabularies, currency codes, the
    distinct values of a facet), lists of lookup entries, models whose
    every field is an id or a label (`routes.label_fields`: langflow's
    `list[TagResponse]` of `{id, name}`), reports (a path word in
    `routes.report_segments`: `/stats/breakdown` has a row per group, not per
    record), and handlers whose every `return` is a `Response` object (a redirect
    to where the list moved).

    Bounded lists are left alone too: a handler whose every `return` is a list
    written in the code (FastAPI's tutorials' `return [{"name": "Plumbus"}]`),
    an `async def` handler that awaits nothing (no I/O: it lists what the
    process holds, a task registry or settings) and has no database session,
    one that caps its query with a literal (`routes.cap_keywords`:
    `fetch_recent_blocks(count=10)`, `.limit(100)`), and routes with a
    paginating library dependency (`routes.pagination_dependencies`:
    fastapi-pagination's `Annotated[Params, Depends()]`).

    A list bounded by data the code does not show (templates bundled with the
    package, a provider registry, an admin-set list of banners) is still flagged:
    nothing static tells it from a table. Say so with `# noqa: FAR110` and the
    bound, or add the parameter anyway.

    Why is this bad?
    An unbounded list grows with the data: one request eventually returns
    every row, exhausting memory and timing out. Pagination bounds each
    response from the start.
    """

    code = "FAR110"
    name = "unpaginated-collection"
    message = "`GET {path}` returns a list but takes no pagination parameter (`limit`, `offset`, `page`, `cursor`, ...)"
    seed = "000 §10 (pagination for large datasets); 003 collections"
    options_section = "routes"
    Options = RouteOptions

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        options: RouteOptions = self.options
        if "GET" not in endpoint.route.methods or endpoint.route.is_websocket:
            return None
        annotation = project.routing.response_annotation(endpoint)
        if annotation is None or not COLLECTION.match(annotation):
            return None
        if SCALAR_LIST.match(annotation):
            return None  # ``list[str]``: lookup values (tags, currencies, ids of a facet)
        models = project.classes.model_classes(annotation)
        if models and all(self._is_lookup_entry(model, project) for model in models):
            return None  # ``list[Tag]`` of ``{id, name}``: the same vocabulary, with ids
        if any(set(words) & set(options.report_segments) for words in segment_words(endpoint.full_path)):
            return None  # ``/stats/breakdown``: one row per group of a report
        handler = endpoint.handler
        if handler is not None and self._bounded(handler, options):
            return None
        if any(
            fnmatch.fnmatchcase(target, pattern)
            for target in project.dependencies.dependency_closure(endpoint.dependencies)
            for pattern in options.pagination_dependencies
        ):
            return None  # ``params: Annotated[Params, Depends()]`` (fastapi-pagination)
        received = project.dependencies.parameter_names(endpoint, declared_only=True)
        if received is None or set(received) & set(options.pagination_parameters):
            return None
        return {}

    @staticmethod
    def _bounded(handler: FunctionInfo, options: RouteOptions) -> bool:
        """The handler's list does not grow with a table."""
        if handler.returns_kinds == ("response",):
            return True  # every return is a ``Response`` (a redirect shim): no list is sent
        if handler.returns_fixed_list:
            return True  # ``return [{"name": "Plumbus"}, ...]``: written in the code
        if handler.is_async and not handler.awaits and not (
            handler.session_parameters or handler.session_creations
        ):
            # an ``async def`` that awaits nothing does no I/O: it lists what the process
            # holds (a task registry, settings), not rows
            return True
        return bool(set(handler.literal_keywords) & set(options.cap_keywords))  # ``count=10``

    def _is_lookup_entry(self, model: str, project: ProjectIndex) -> bool:
        """A model with fields, each an id or a label (``routes.label_fields``)."""
        fields = project.classes.model_fields(model)
        return bool(fields) and all(name in self.options.label_fields for _owner, name, _type in fields)
