from typing import Literal

JobType = Literal["family_upload", "snapshot", "stash_export"]

JOB_TYPE_VALUES: set[JobType] = {
    "family_upload",
    "snapshot",
    "stash_export",
}


def check_job_type(value: str) -> JobType:
    if value in JOB_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_TYPE_VALUES!r}")
