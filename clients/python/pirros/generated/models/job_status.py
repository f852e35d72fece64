from typing import Literal

JobStatus = Literal[
    "awaiting_upload", "expired", "failed", "processing", "queued", "succeeded"
]

JOB_STATUS_VALUES: set[JobStatus] = {
    "awaiting_upload",
    "expired",
    "failed",
    "processing",
    "queued",
    "succeeded",
}


def check_job_status(value: str) -> JobStatus:
    if value in JOB_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {JOB_STATUS_VALUES!r}"
    )
