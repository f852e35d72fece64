from typing import Literal

IdempotencyConflictErrorErrorCode = Literal["IDEMPOTENCY_CONFLICT"]

IDEMPOTENCY_CONFLICT_ERROR_ERROR_CODE_VALUES: set[IdempotencyConflictErrorErrorCode] = {
    "IDEMPOTENCY_CONFLICT",
}


def check_idempotency_conflict_error_error_code(
    value: str,
) -> IdempotencyConflictErrorErrorCode:
    if value in IDEMPOTENCY_CONFLICT_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IDEMPOTENCY_CONFLICT_ERROR_ERROR_CODE_VALUES!r}"
    )
