from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status import JobStatus, check_job_status
from ..models.job_type import JobType, check_job_type

if TYPE_CHECKING:
    from ..models.export_result import ExportResult
    from ..models.job_error import JobError
    from ..models.snapshot_result import SnapshotResult
    from ..models.upload_result import UploadResult


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """A job as it is answered.

    Attributes:
        id (str):
        type_ (JobType):
        status (JobStatus):
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        updated_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        result (ExportResult | None | SnapshotResult | UploadResult):
        error (JobError | None):
    """

    id: str
    type_: JobType
    status: JobStatus
    created_at: datetime.datetime
    updated_at: datetime.datetime
    result: ExportResult | None | SnapshotResult | UploadResult
    error: JobError | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.export_result import ExportResult
        from ..models.job_error import JobError
        from ..models.snapshot_result import SnapshotResult
        from ..models.upload_result import UploadResult

        id = self.id

        type_: str = self.type_

        status: str = self.status

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        result: dict[str, Any] | None
        if (
            isinstance(self.result, UploadResult)
            or isinstance(self.result, ExportResult)
            or isinstance(self.result, SnapshotResult)
        ):
            result = self.result.to_dict()
        else:
            result = self.result

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "status": status,
                "created_at": created_at,
                "updated_at": updated_at,
                "result": result,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.export_result import ExportResult
        from ..models.job_error import JobError
        from ..models.snapshot_result import SnapshotResult
        from ..models.upload_result import UploadResult

        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_job_type(d.pop("type"))

        status = check_job_status(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_result(
            data: object,
        ) -> ExportResult | None | SnapshotResult | UploadResult:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_job_result_type_0 = UploadResult.from_dict(data)

                return componentsschemas_job_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_job_result_type_1 = ExportResult.from_dict(data)

                return componentsschemas_job_result_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_job_result_type_2 = SnapshotResult.from_dict(data)

                return componentsschemas_job_result_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportResult | None | SnapshotResult | UploadResult, data)

        result = _parse_result(d.pop("result"))

        def _parse_error(data: object) -> JobError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = JobError.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobError | None, data)

        error = _parse_error(d.pop("error"))

        job = cls(
            id=id,
            type_=type_,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            result=result,
            error=error,
        )

        job.additional_properties = d
        return job

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
