"""The registry: an explicit, sorted tuple (a meta-test checks it against the files)."""
from __future__ import annotations

from fastapi_rules.rules.base import Rule
from fastapi_rules.rules.far000_internal_error import InternalError
from fastapi_rules.rules.far001_unparseable_file import UnparseableFile
from fastapi_rules.rules.far101_missing_response_model import MissingResponseModel
from fastapi_rules.rules.far105_unversioned_route import UnversionedRoute
from fastapi_rules.rules.far109_unused_path_parameter import UnusedPathParameter
from fastapi_rules.rules.far201_unauthenticated_write_route import UnauthenticatedWriteRoute
from fastapi_rules.rules.far202_unauthenticated_read_route import UnauthenticatedReadRoute
from fastapi_rules.rules.far301_interpolated_sql import InterpolatedSql
from fastapi_rules.rules.far302_raw_sql import RawSql
from fastapi_rules.rules.far401_blocking_call_in_async import BlockingCallInAsync
from fastapi_rules.rules.far403_indirect_blocking_call import IndirectBlockingCall
from fastapi_rules.rules.far501_nonstandard_error_body import NonstandardErrorBody

ALL_RULES: tuple[type[Rule], ...] = (
    InternalError,
    UnparseableFile,
    MissingResponseModel,
    UnversionedRoute,
    UnusedPathParameter,
    UnauthenticatedWriteRoute,
    UnauthenticatedReadRoute,
    InterpolatedSql,
    RawSql,
    BlockingCallInAsync,
    IndirectBlockingCall,
    NonstandardErrorBody,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
