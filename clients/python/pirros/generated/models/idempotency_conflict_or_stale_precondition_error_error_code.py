from typing import Literal

IdempotencyConflictOrStalePreconditionErrorErrorCode = Literal[
    "IDEMPOTENCY_CONFLICT", "stale_precondition"
]

IDEMPOTENCY_CONFLICT_OR_STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES: set[
    IdempotencyConflictOrStalePreconditionErrorErrorCode
] = {
    "IDEMPOTENCY_CONFLICT",
    "stale_precondition",
}


def check_idempotency_conflict_or_stale_precondition_error_error_code(
    value: str,
) -> IdempotencyConflictOrStalePreconditionErrorErrorCode:
    if value in IDEMPOTENCY_CONFLICT_OR_STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IDEMPOTENCY_CONFLICT_OR_STALE_PRECONDITION_ERROR_ERROR_CODE_VALUES!r}"
    )
