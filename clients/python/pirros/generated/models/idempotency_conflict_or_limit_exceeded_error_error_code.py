from typing import Literal

IdempotencyConflictOrLimitExceededErrorErrorCode = Literal[
    "IDEMPOTENCY_CONFLICT", "limit_exceeded"
]

IDEMPOTENCY_CONFLICT_OR_LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES: set[
    IdempotencyConflictOrLimitExceededErrorErrorCode
] = {
    "IDEMPOTENCY_CONFLICT",
    "limit_exceeded",
}


def check_idempotency_conflict_or_limit_exceeded_error_error_code(
    value: str,
) -> IdempotencyConflictOrLimitExceededErrorErrorCode:
    if value in IDEMPOTENCY_CONFLICT_OR_LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IDEMPOTENCY_CONFLICT_OR_LIMIT_EXCEEDED_ERROR_ERROR_CODE_VALUES!r}"
    )
