"""The registry: an explicit, sorted tuple (a meta-test checks it against the files)."""
from __future__ import annotations

from fastapi_rules.rules.base import Rule
from fastapi_rules.rules.far000_internal_error import InternalError
from fastapi_rules.rules.far001_unparseable_file import UnparseableFile
from fastapi_rules.rules.far002_unanalysable_file import UnanalysableFile
from fastapi_rules.rules.far101_missing_response_model import MissingResponseModel
from fastapi_rules.rules.far102_post_without_status_code import PostWithoutStatusCode
from fastapi_rules.rules.far103_delete_status import DeleteStatus
from fastapi_rules.rules.far104_verb_in_path import VerbInPath
from fastapi_rules.rules.far105_unversioned_route import UnversionedRoute
from fastapi_rules.rules.far106_undocumented_route import UndocumentedRoute
from fastapi_rules.rules.far107_untagged_router import UntaggedRouter
from fastapi_rules.rules.far108_undocumented_error_status import UndocumentedErrorStatus
from fastapi_rules.rules.far109_unused_path_parameter import UnusedPathParameter
from fastapi_rules.rules.far110_unpaginated_collection import UnpaginatedCollection
from fastapi_rules.rules.far111_write_in_read_route import WriteInReadRoute
from fastapi_rules.rules.far201_unauthenticated_write_route import UnauthenticatedWriteRoute
from fastapi_rules.rules.far202_unauthenticated_read_route import UnauthenticatedReadRoute
from fastapi_rules.rules.far203_missing_user_isolation import MissingUserIsolation
from fastapi_rules.rules.far204_jwt_decode_unverified import JwtDecodeUnverified
from fastapi_rules.rules.far205_fast_password_hash import FastPasswordHash
from fastapi_rules.rules.far206_jwt_without_expiry import JwtWithoutExpiry
from fastapi_rules.rules.far301_interpolated_sql import InterpolatedSql
from fastapi_rules.rules.far302_raw_sql import RawSql
from fastapi_rules.rules.far303_sync_session_in_async import SyncSessionInAsync
from fastapi_rules.rules.far304_session_created_in_handler import SessionCreatedInHandler
from fastapi_rules.rules.far305_lazy_load_in_loop import LazyLoadInLoop
from fastapi_rules.rules.far401_blocking_call_in_async import BlockingCallInAsync
from fastapi_rules.rules.far403_indirect_blocking_call import IndirectBlockingCall
from fastapi_rules.rules.far501_nonstandard_error_body import NonstandardErrorBody
from fastapi_rules.rules.far502_leaked_error_detail import LeakedErrorDetail
from fastapi_rules.rules.far503_swallowed_exception import SwallowedException
from fastapi_rules.rules.far504_error_with_success_status import ErrorWithSuccessStatus
from fastapi_rules.rules.far505_no_global_exception_handler import NoGlobalExceptionHandler
from fastapi_rules.rules.far601_pydantic_v1_config import PydanticV1Config
from fastapi_rules.rules.far602_pydantic_v1_validator import PydanticV1Validator
from fastapi_rules.rules.far603_pydantic_v1_model_api import PydanticV1ModelApi
from fastapi_rules.rules.far604_secret_in_response import SecretInResponse
from fastapi_rules.rules.far605_shared_request_response_model import SharedRequestResponseModel
from fastapi_rules.rules.far701_hardcoded_secret import HardcodedSecret
from fastapi_rules.rules.far702_cors_wildcard import CorsWildcard
from fastapi_rules.rules.far703_logged_secret import LoggedSecret
from fastapi_rules.rules.far704_insecure_cookie import InsecureCookie
from fastapi_rules.rules.far705_naive_utcnow import NaiveUtcnow
from fastapi_rules.rules.far706_debug_flag import DebugFlag
from fastapi_rules.rules.far801_fat_handler import FatHandler
from fastapi_rules.rules.far802_global_resource import GlobalResource
from fastapi_rules.rules.far803_startup_event import StartupEvent
from fastapi_rules.rules.far804_untyped_handler_parameter import UntypedHandlerParameter
from fastapi_rules.rules.far805_depends_default import DependsDefault

ALL_RULES: tuple[type[Rule], ...] = (
    InternalError,
    UnparseableFile,
    UnanalysableFile,
    MissingResponseModel,
    PostWithoutStatusCode,
    DeleteStatus,
    VerbInPath,
    UnversionedRoute,
    UndocumentedRoute,
    UntaggedRouter,
    UndocumentedErrorStatus,
    UnusedPathParameter,
    UnpaginatedCollection,
    WriteInReadRoute,
    UnauthenticatedWriteRoute,
    UnauthenticatedReadRoute,
    MissingUserIsolation,
    JwtDecodeUnverified,
    FastPasswordHash,
    JwtWithoutExpiry,
    InterpolatedSql,
    RawSql,
    SyncSessionInAsync,
    SessionCreatedInHandler,
    LazyLoadInLoop,
    BlockingCallInAsync,
    IndirectBlockingCall,
    NonstandardErrorBody,
    LeakedErrorDetail,
    SwallowedException,
    ErrorWithSuccessStatus,
    NoGlobalExceptionHandler,
    PydanticV1Config,
    PydanticV1Validator,
    PydanticV1ModelApi,
    SecretInResponse,
    SharedRequestResponseModel,
    HardcodedSecret,
    CorsWildcard,
    LoggedSecret,
    InsecureCookie,
    NaiveUtcnow,
    DebugFlag,
    FatHandler,
    GlobalResource,
    StartupEvent,
    UntypedHandlerParameter,
    DependsDefault,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
