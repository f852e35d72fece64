from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job import Job
    from ..models.upload_target import UploadTarget


T = TypeVar("T", bound="UploadStarted")


@_attrs_define
class UploadStarted:
    """The answer to an upload request: the job, and where to send the file.

    Attributes:
        job (Job): A job as it is answered.
        upload (UploadTarget): Where and how to send the file.
    """

    job: Job
    upload: UploadTarget
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job = self.job.to_dict()

        upload = self.upload.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "upload": upload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.job import Job
        from ..models.upload_target import UploadTarget

        d = dict(src_dict)
        job = Job.from_dict(d.pop("job"))

        upload = UploadTarget.from_dict(d.pop("upload"))

        upload_started = cls(
            job=job,
            upload=upload,
        )

        upload_started.additional_properties = d
        return upload_started

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
