from typing import Literal

DownloadDisabledErrorErrorCode = Literal["DOWNLOAD_DISABLED"]

DOWNLOAD_DISABLED_ERROR_ERROR_CODE_VALUES: set[DownloadDisabledErrorErrorCode] = {
    "DOWNLOAD_DISABLED",
}


def check_download_disabled_error_error_code(
    value: str,
) -> DownloadDisabledErrorErrorCode:
    if value in DOWNLOAD_DISABLED_ERROR_ERROR_CODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {DOWNLOAD_DISABLED_ERROR_ERROR_CODE_VALUES!r}"
    )
