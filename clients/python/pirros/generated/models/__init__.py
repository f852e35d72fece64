"""Contains all the data models used in inputs/outputs"""

from .action_name import ActionName
from .actor import Actor
from .actor_type import ActorType
from .catalogue_entry import CatalogueEntry
from .create_endpoint import CreateEndpoint
from .create_flag import CreateFlag
from .create_snapshot import CreateSnapshot
from .create_stash import CreateStash
from .cursor_expired_error import CursorExpiredError
from .cursor_expired_error_error import CursorExpiredErrorError
from .cursor_expired_error_error_code import CursorExpiredErrorErrorCode
from .delivery import Delivery
from .delivery_status import DeliveryStatus
from .detail import Detail
from .disabled_reason import DisabledReason
from .download import Download
from .download_disabled_error import DownloadDisabledError
from .download_disabled_error_error import DownloadDisabledErrorError
from .download_disabled_error_error_code import DownloadDisabledErrorErrorCode
from .endpoint_status import EndpointStatus
from .entity_type_name import EntityTypeName
from .envelope_download import EnvelopeDownload
from .envelope_event_page import EnvelopeEventPage
from .envelope_export_started import EnvelopeExportStarted
from .envelope_list_page_delivery_no_expansions import (
    EnvelopeListPageDeliveryNoExpansions,
)
from .envelope_list_page_delivery_no_expansions_response import (
    EnvelopeListPageDeliveryNoExpansionsResponse,
)
from .envelope_list_page_delivery_no_expansions_response_expanded import (
    EnvelopeListPageDeliveryNoExpansionsResponseExpanded,
)
from .envelope_list_page_detail_expanded import EnvelopeListPageDetailExpanded
from .envelope_list_page_detail_expanded_response import (
    EnvelopeListPageDetailExpandedResponse,
)
from .envelope_list_page_family_expanded import EnvelopeListPageFamilyExpanded
from .envelope_list_page_family_expanded_response import (
    EnvelopeListPageFamilyExpandedResponse,
)
from .envelope_list_page_family_reference_no_expansions import (
    EnvelopeListPageFamilyReferenceNoExpansions,
)
from .envelope_list_page_family_reference_no_expansions_response import (
    EnvelopeListPageFamilyReferenceNoExpansionsResponse,
)
from .envelope_list_page_family_reference_no_expansions_response_expanded import (
    EnvelopeListPageFamilyReferenceNoExpansionsResponseExpanded,
)
from .envelope_list_page_family_version_no_expansions import (
    EnvelopeListPageFamilyVersionNoExpansions,
)
from .envelope_list_page_family_version_no_expansions_response import (
    EnvelopeListPageFamilyVersionNoExpansionsResponse,
)
from .envelope_list_page_family_version_no_expansions_response_expanded import (
    EnvelopeListPageFamilyVersionNoExpansionsResponseExpanded,
)
from .envelope_list_page_flag_no_expansions import EnvelopeListPageFlagNoExpansions
from .envelope_list_page_flag_no_expansions_response import (
    EnvelopeListPageFlagNoExpansionsResponse,
)
from .envelope_list_page_flag_no_expansions_response_expanded import (
    EnvelopeListPageFlagNoExpansionsResponseExpanded,
)
from .envelope_list_page_project_no_expansions import (
    EnvelopeListPageProjectNoExpansions,
)
from .envelope_list_page_project_no_expansions_response import (
    EnvelopeListPageProjectNoExpansionsResponse,
)
from .envelope_list_page_project_no_expansions_response_expanded import (
    EnvelopeListPageProjectNoExpansionsResponseExpanded,
)
from .envelope_list_page_scored_family_expanded import (
    EnvelopeListPageScoredFamilyExpanded,
)
from .envelope_list_page_scored_family_expanded_response import (
    EnvelopeListPageScoredFamilyExpandedResponse,
)
from .envelope_list_page_stash_no_expansions import EnvelopeListPageStashNoExpansions
from .envelope_list_page_stash_no_expansions_response import (
    EnvelopeListPageStashNoExpansionsResponse,
)
from .envelope_list_page_stash_no_expansions_response_expanded import (
    EnvelopeListPageStashNoExpansionsResponseExpanded,
)
from .envelope_list_page_tag_no_expansions import EnvelopeListPageTagNoExpansions
from .envelope_list_page_tag_no_expansions_response import (
    EnvelopeListPageTagNoExpansionsResponse,
)
from .envelope_list_page_tag_no_expansions_response_expanded import (
    EnvelopeListPageTagNoExpansionsResponseExpanded,
)
from .envelope_list_page_webhook_endpoint_no_expansions import (
    EnvelopeListPageWebhookEndpointNoExpansions,
)
from .envelope_list_page_webhook_endpoint_no_expansions_response import (
    EnvelopeListPageWebhookEndpointNoExpansionsResponse,
)
from .envelope_list_page_webhook_endpoint_no_expansions_response_expanded import (
    EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded,
)
from .envelope_replayed import EnvelopeReplayed
from .envelope_resource_detail_expanded import EnvelopeResourceDetailExpanded
from .envelope_resource_detail_expanded_response import (
    EnvelopeResourceDetailExpandedResponse,
)
from .envelope_resource_family_expanded import EnvelopeResourceFamilyExpanded
from .envelope_resource_family_expanded_response import (
    EnvelopeResourceFamilyExpandedResponse,
)
from .envelope_resource_family_group_no_expansions import (
    EnvelopeResourceFamilyGroupNoExpansions,
)
from .envelope_resource_family_group_no_expansions_response import (
    EnvelopeResourceFamilyGroupNoExpansionsResponse,
)
from .envelope_resource_family_group_no_expansions_response_expanded import (
    EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded,
)
from .envelope_resource_flag_no_expansions import EnvelopeResourceFlagNoExpansions
from .envelope_resource_flag_no_expansions_response import (
    EnvelopeResourceFlagNoExpansionsResponse,
)
from .envelope_resource_flag_no_expansions_response_expanded import (
    EnvelopeResourceFlagNoExpansionsResponseExpanded,
)
from .envelope_resource_job_no_expansions import EnvelopeResourceJobNoExpansions
from .envelope_resource_job_no_expansions_response import (
    EnvelopeResourceJobNoExpansionsResponse,
)
from .envelope_resource_job_no_expansions_response_expanded import (
    EnvelopeResourceJobNoExpansionsResponseExpanded,
)
from .envelope_resource_me_no_expansions import EnvelopeResourceMeNoExpansions
from .envelope_resource_me_no_expansions_response import (
    EnvelopeResourceMeNoExpansionsResponse,
)
from .envelope_resource_me_no_expansions_response_expanded import (
    EnvelopeResourceMeNoExpansionsResponseExpanded,
)
from .envelope_resource_new_webhook_endpoint_no_expansions import (
    EnvelopeResourceNewWebhookEndpointNoExpansions,
)
from .envelope_resource_new_webhook_endpoint_no_expansions_response import (
    EnvelopeResourceNewWebhookEndpointNoExpansionsResponse,
)
from .envelope_resource_new_webhook_endpoint_no_expansions_response_expanded import (
    EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded,
)
from .envelope_resource_stash_no_expansions import EnvelopeResourceStashNoExpansions
from .envelope_resource_stash_no_expansions_response import (
    EnvelopeResourceStashNoExpansionsResponse,
)
from .envelope_resource_stash_no_expansions_response_expanded import (
    EnvelopeResourceStashNoExpansionsResponseExpanded,
)
from .envelope_resource_usage_no_expansions import EnvelopeResourceUsageNoExpansions
from .envelope_resource_usage_no_expansions_response import (
    EnvelopeResourceUsageNoExpansionsResponse,
)
from .envelope_resource_usage_no_expansions_response_expanded import (
    EnvelopeResourceUsageNoExpansionsResponseExpanded,
)
from .envelope_resource_webhook_endpoint_no_expansions import (
    EnvelopeResourceWebhookEndpointNoExpansions,
)
from .envelope_resource_webhook_endpoint_no_expansions_response import (
    EnvelopeResourceWebhookEndpointNoExpansionsResponse,
)
from .envelope_resource_webhook_endpoint_no_expansions_response_expanded import (
    EnvelopeResourceWebhookEndpointNoExpansionsResponseExpanded,
)
from .envelope_rolled_secret import EnvelopeRolledSecret
from .envelope_snapshot_started import EnvelopeSnapshotStarted
from .envelope_test_delivery import EnvelopeTestDelivery
from .envelope_upload_started import EnvelopeUploadStarted
from .error_catalogue import ErrorCatalogue
from .event import Event
from .event_object import EventObject
from .event_page import EventPage
from .expanded import Expanded
from .expanded_projects import ExpandedProjects
from .expanded_tags import ExpandedTags
from .export_result import ExportResult
from .export_started import ExportStarted
from .export_stash import ExportStash
from .family import Family
from .family_file import FamilyFile
from .family_group import FamilyGroup
from .family_reference import FamilyReference
from .family_version import FamilyVersion
from .field_details import FieldDetails
from .firm_summary import FirmSummary
from .flag import Flag
from .flag_reason import FlagReason
from .flag_status import FlagStatus
from .get_open_api_response_200 import GetOpenApiResponse200
from .grant_summary import GrantSummary
from .grant_type import GrantType
from .idempotency_conflict_error import IdempotencyConflictError
from .idempotency_conflict_error_error import IdempotencyConflictErrorError
from .idempotency_conflict_error_error_code import IdempotencyConflictErrorErrorCode
from .idempotency_conflict_or_limit_exceeded_error import (
    IdempotencyConflictOrLimitExceededError,
)
from .idempotency_conflict_or_limit_exceeded_error_error import (
    IdempotencyConflictOrLimitExceededErrorError,
)
from .idempotency_conflict_or_limit_exceeded_error_error_code import (
    IdempotencyConflictOrLimitExceededErrorErrorCode,
)
from .idempotency_conflict_or_stale_precondition_error import (
    IdempotencyConflictOrStalePreconditionError,
)
from .idempotency_conflict_or_stale_precondition_error_error import (
    IdempotencyConflictOrStalePreconditionErrorError,
)
from .idempotency_conflict_or_stale_precondition_error_error_code import (
    IdempotencyConflictOrStalePreconditionErrorErrorCode,
)
from .include_value import IncludeValue
from .insufficient_scope_error import InsufficientScopeError
from .insufficient_scope_error_error import InsufficientScopeErrorError
from .insufficient_scope_error_error_code import InsufficientScopeErrorErrorCode
from .internal_error_error import InternalErrorError
from .internal_error_error_error import InternalErrorErrorError
from .internal_error_error_error_code import InternalErrorErrorErrorCode
from .invalid_request_error import InvalidRequestError
from .invalid_request_error_error import InvalidRequestErrorError
from .invalid_request_error_error_code import InvalidRequestErrorErrorCode
from .invalid_request_or_invalid_include_param_error import (
    InvalidRequestOrInvalidIncludeParamError,
)
from .invalid_request_or_invalid_include_param_error_error import (
    InvalidRequestOrInvalidIncludeParamErrorError,
)
from .invalid_request_or_invalid_include_param_error_error_code import (
    InvalidRequestOrInvalidIncludeParamErrorErrorCode,
)
from .invalid_request_or_invalid_item_reference_error import (
    InvalidRequestOrInvalidItemReferenceError,
)
from .invalid_request_or_invalid_item_reference_error_error import (
    InvalidRequestOrInvalidItemReferenceErrorError,
)
from .invalid_request_or_invalid_item_reference_error_error_code import (
    InvalidRequestOrInvalidItemReferenceErrorErrorCode,
)
from .invalid_token_error import InvalidTokenError
from .invalid_token_error_error import InvalidTokenErrorError
from .invalid_token_error_error_code import InvalidTokenErrorErrorCode
from .item_ids import ItemIds
from .item_ids_in import ItemIdsIn
from .item_reference_details import ItemReferenceDetails
from .item_type import ItemType
from .job import Job
from .job_error import JobError
from .job_status import JobStatus
from .job_type import JobType
from .jwk import Jwk
from .jwks import Jwks
from .library import Library
from .list_detail_flags_status import ListDetailFlagsStatus
from .me import Me
from .meta import Meta
from .method_not_allowed_error import MethodNotAllowedError
from .method_not_allowed_error_error import MethodNotAllowedErrorError
from .method_not_allowed_error_error_code import MethodNotAllowedErrorErrorCode
from .new_webhook_endpoint import NewWebhookEndpoint
from .no_body import NoBody
from .no_expansions import NoExpansions
from .not_found_error import NotFoundError
from .not_found_error_error import NotFoundErrorError
from .not_found_error_error_code import NotFoundErrorErrorCode
from .object_type import ObjectType
from .project import Project
from .rate_limit import RateLimit
from .reference_type import ReferenceType
from .removed_reason import RemovedReason
from .replay_type_0 import ReplayType0
from .replay_type_1 import ReplayType1
from .replayed import Replayed
from .resolve_flag import ResolveFlag
from .resolved_status import ResolvedStatus
from .roll_secret import RollSecret
from .rolled_secret import RolledSecret
from .scope_details import ScopeDetails
from .scored_family import ScoredFamily
from .search_details_library import SearchDetailsLibrary
from .service_unavailable_error import ServiceUnavailableError
from .service_unavailable_error_error import ServiceUnavailableErrorError
from .service_unavailable_error_error_code import ServiceUnavailableErrorErrorCode
from .skip_reason import SkipReason
from .skipped import Skipped
from .snapshot_counts import SnapshotCounts
from .snapshot_result import SnapshotResult
from .snapshot_started import SnapshotStarted
from .stale_precondition_error import StalePreconditionError
from .stale_precondition_error_error import StalePreconditionErrorError
from .stale_precondition_error_error_code import StalePreconditionErrorErrorCode
from .stash import Stash
from .tag import Tag
from .test_delivery import TestDelivery
from .token_internal_error_error import TokenInternalErrorError
from .token_internal_error_error_error import TokenInternalErrorErrorError
from .token_invalid_client_error import TokenInvalidClientError
from .token_invalid_client_error_error import TokenInvalidClientErrorError
from .token_invalid_request_or_unsupported_grant_type_error import (
    TokenInvalidRequestOrUnsupportedGrantTypeError,
)
from .token_invalid_request_or_unsupported_grant_type_error_error import (
    TokenInvalidRequestOrUnsupportedGrantTypeErrorError,
)
from .token_method_not_allowed_error import TokenMethodNotAllowedError
from .token_method_not_allowed_error_error import TokenMethodNotAllowedErrorError
from .token_request import TokenRequest
from .token_response import TokenResponse
from .token_service_unavailable_error import TokenServiceUnavailableError
from .token_service_unavailable_error_error import TokenServiceUnavailableErrorError
from .token_too_many_requests_error import TokenTooManyRequestsError
from .token_too_many_requests_error_error import TokenTooManyRequestsErrorError
from .token_type import TokenType
from .too_many_requests_error import TooManyRequestsError
from .too_many_requests_error_error import TooManyRequestsErrorError
from .update_endpoint import UpdateEndpoint
from .update_stash import UpdateStash
from .upload_family import UploadFamily
from .upload_result import UploadResult
from .upload_started import UploadStarted
from .upload_target import UploadTarget
from .upload_target_headers import UploadTargetHeaders
from .usage import Usage
from .usage_day import UsageDay
from .usage_day_routes import UsageDayRoutes
from .webhook_endpoint import WebhookEndpoint
from .webhook_test_event import WebhookTestEvent
from .webhook_test_event_object import WebhookTestEventObject
from .workspace_access import WorkspaceAccess

__all__ = (
    "ActionName",
    "Actor",
    "ActorType",
    "CatalogueEntry",
    "CreateEndpoint",
    "CreateFlag",
    "CreateSnapshot",
    "CreateStash",
    "CursorExpiredError",
    "CursorExpiredErrorError",
    "CursorExpiredErrorErrorCode",
    "Delivery",
    "DeliveryStatus",
    "Detail",
    "DisabledReason",
    "Download",
    "DownloadDisabledError",
    "DownloadDisabledErrorError",
    "DownloadDisabledErrorErrorCode",
    "EndpointStatus",
    "EntityTypeName",
    "EnvelopeDownload",
    "EnvelopeEventPage",
    "EnvelopeExportStarted",
    "EnvelopeListPageDeliveryNoExpansions",
    "EnvelopeListPageDeliveryNoExpansionsResponse",
    "EnvelopeListPageDeliveryNoExpansionsResponseExpanded",
    "EnvelopeListPageDetailExpanded",
    "EnvelopeListPageDetailExpandedResponse",
    "EnvelopeListPageFamilyExpanded",
    "EnvelopeListPageFamilyExpandedResponse",
    "EnvelopeListPageFamilyReferenceNoExpansions",
    "EnvelopeListPageFamilyReferenceNoExpansionsResponse",
    "EnvelopeListPageFamilyReferenceNoExpansionsResponseExpanded",
    "EnvelopeListPageFamilyVersionNoExpansions",
    "EnvelopeListPageFamilyVersionNoExpansionsResponse",
    "EnvelopeListPageFamilyVersionNoExpansionsResponseExpanded",
    "EnvelopeListPageFlagNoExpansions",
    "EnvelopeListPageFlagNoExpansionsResponse",
    "EnvelopeListPageFlagNoExpansionsResponseExpanded",
    "EnvelopeListPageProjectNoExpansions",
    "EnvelopeListPageProjectNoExpansionsResponse",
    "EnvelopeListPageProjectNoExpansionsResponseExpanded",
    "EnvelopeListPageScoredFamilyExpanded",
    "EnvelopeListPageScoredFamilyExpandedResponse",
    "EnvelopeListPageStashNoExpansions",
    "EnvelopeListPageStashNoExpansionsResponse",
    "EnvelopeListPageStashNoExpansionsResponseExpanded",
    "EnvelopeListPageTagNoExpansions",
    "EnvelopeListPageTagNoExpansionsResponse",
    "EnvelopeListPageTagNoExpansionsResponseExpanded",
    "EnvelopeListPageWebhookEndpointNoExpansions",
    "EnvelopeListPageWebhookEndpointNoExpansionsResponse",
    "EnvelopeListPageWebhookEndpointNoExpansionsResponseExpanded",
    "EnvelopeReplayed",
    "EnvelopeResourceDetailExpanded",
    "EnvelopeResourceDetailExpandedResponse",
    "EnvelopeResourceFamilyExpanded",
    "EnvelopeResourceFamilyExpandedResponse",
    "EnvelopeResourceFamilyGroupNoExpansions",
    "EnvelopeResourceFamilyGroupNoExpansionsResponse",
    "EnvelopeResourceFamilyGroupNoExpansionsResponseExpanded",
    "EnvelopeResourceFlagNoExpansions",
    "EnvelopeResourceFlagNoExpansionsResponse",
    "EnvelopeResourceFlagNoExpansionsResponseExpanded",
    "EnvelopeResourceJobNoExpansions",
    "EnvelopeResourceJobNoExpansionsResponse",
    "EnvelopeResourceJobNoExpansionsResponseExpanded",
    "EnvelopeResourceMeNoExpansions",
    "EnvelopeResourceMeNoExpansionsResponse",
    "EnvelopeResourceMeNoExpansionsResponseExpanded",
    "EnvelopeResourceNewWebhookEndpointNoExpansions",
    "EnvelopeResourceNewWebhookEndpointNoExpansionsResponse",
    "EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded",
    "EnvelopeResourceStashNoExpansions",
    "EnvelopeResourceStashNoExpansionsResponse",
    "EnvelopeResourceStashNoExpansionsResponseExpanded",
    "EnvelopeResourceUsageNoExpansions",
    "EnvelopeResourceUsageNoExpansionsResponse",
    "EnvelopeResourceUsageNoExpansionsResponseExpanded",
    "EnvelopeResourceWebhookEndpointNoExpansions",
    "EnvelopeResourceWebhookEndpointNoExpansionsResponse",
    "EnvelopeResourceWebhookEndpointNoExpansionsResponseExpanded",
    "EnvelopeRolledSecret",
    "EnvelopeSnapshotStarted",
    "EnvelopeTestDelivery",
    "EnvelopeUploadStarted",
    "ErrorCatalogue",
    "Event",
    "EventObject",
    "EventPage",
    "Expanded",
    "ExpandedProjects",
    "ExpandedTags",
    "ExportResult",
    "ExportStarted",
    "ExportStash",
    "Family",
    "FamilyFile",
    "FamilyGroup",
    "FamilyReference",
    "FamilyVersion",
    "FieldDetails",
    "FirmSummary",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "GetOpenApiResponse200",
    "GrantSummary",
    "GrantType",
    "IdempotencyConflictError",
    "IdempotencyConflictErrorError",
    "IdempotencyConflictErrorErrorCode",
    "IdempotencyConflictOrLimitExceededError",
    "IdempotencyConflictOrLimitExceededErrorError",
    "IdempotencyConflictOrLimitExceededErrorErrorCode",
    "IdempotencyConflictOrStalePreconditionError",
    "IdempotencyConflictOrStalePreconditionErrorError",
    "IdempotencyConflictOrStalePreconditionErrorErrorCode",
    "IncludeValue",
    "InsufficientScopeError",
    "InsufficientScopeErrorError",
    "InsufficientScopeErrorErrorCode",
    "InternalErrorError",
    "InternalErrorErrorError",
    "InternalErrorErrorErrorCode",
    "InvalidRequestError",
    "InvalidRequestErrorError",
    "InvalidRequestErrorErrorCode",
    "InvalidRequestOrInvalidIncludeParamError",
    "InvalidRequestOrInvalidIncludeParamErrorError",
    "InvalidRequestOrInvalidIncludeParamErrorErrorCode",
    "InvalidRequestOrInvalidItemReferenceError",
    "InvalidRequestOrInvalidItemReferenceErrorError",
    "InvalidRequestOrInvalidItemReferenceErrorErrorCode",
    "InvalidTokenError",
    "InvalidTokenErrorError",
    "InvalidTokenErrorErrorCode",
    "ItemIds",
    "ItemIdsIn",
    "ItemReferenceDetails",
    "ItemType",
    "Job",
    "JobError",
    "JobStatus",
    "JobType",
    "Jwk",
    "Jwks",
    "Library",
    "ListDetailFlagsStatus",
    "Me",
    "Meta",
    "MethodNotAllowedError",
    "MethodNotAllowedErrorError",
    "MethodNotAllowedErrorErrorCode",
    "NewWebhookEndpoint",
    "NoBody",
    "NoExpansions",
    "NotFoundError",
    "NotFoundErrorError",
    "NotFoundErrorErrorCode",
    "ObjectType",
    "Project",
    "RateLimit",
    "ReferenceType",
    "RemovedReason",
    "ReplayType0",
    "ReplayType1",
    "Replayed",
    "ResolveFlag",
    "ResolvedStatus",
    "RollSecret",
    "RolledSecret",
    "ScopeDetails",
    "ScoredFamily",
    "SearchDetailsLibrary",
    "ServiceUnavailableError",
    "ServiceUnavailableErrorError",
    "ServiceUnavailableErrorErrorCode",
    "SkipReason",
    "Skipped",
    "SnapshotCounts",
    "SnapshotResult",
    "SnapshotStarted",
    "StalePreconditionError",
    "StalePreconditionErrorError",
    "StalePreconditionErrorErrorCode",
    "Stash",
    "Tag",
    "TestDelivery",
    "TokenInternalErrorError",
    "TokenInternalErrorErrorError",
    "TokenInvalidClientError",
    "TokenInvalidClientErrorError",
    "TokenInvalidRequestOrUnsupportedGrantTypeError",
    "TokenInvalidRequestOrUnsupportedGrantTypeErrorError",
    "TokenMethodNotAllowedError",
    "TokenMethodNotAllowedErrorError",
    "TokenRequest",
    "TokenResponse",
    "TokenServiceUnavailableError",
    "TokenServiceUnavailableErrorError",
    "TokenTooManyRequestsError",
    "TokenTooManyRequestsErrorError",
    "TokenType",
    "TooManyRequestsError",
    "TooManyRequestsErrorError",
    "UpdateEndpoint",
    "UpdateStash",
    "UploadFamily",
    "UploadResult",
    "UploadStarted",
    "UploadTarget",
    "UploadTargetHeaders",
    "Usage",
    "UsageDay",
    "UsageDayRoutes",
    "WebhookEndpoint",
    "WebhookTestEvent",
    "WebhookTestEventObject",
    "WorkspaceAccess",
)
