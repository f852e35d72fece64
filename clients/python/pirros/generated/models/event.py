from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.removed_reason import RemovedReason, check_removed_reason

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.event_object import EventObject


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """An event as the feed shows it.

    Attributes:
        id (str):
        type_ (str): `detail.updated`, `access.changed`, ... (see the feed's `types`). Example: detail.updated.
        workspace_id (UUID):
        sequence (int): Strictly increasing in feed order within the workspace.
        created_at (datetime.datetime):  Example: 2026-06-04T12:00:00.000Z.
        object_ (EventObject): What the event is about: `{type, id}`, with a flag's detail and a family version's
            number.
        changed (list[str] | None): For `*.updated`: the names of the fields whose value changed, sorted; else `null`.
        reason (None | RemovedReason):
        actor (Actor): Who made the change: a client (its id), the admin tool or the system (a job).
    """

    id: str
    type_: str
    workspace_id: UUID
    sequence: int
    created_at: datetime.datetime
    object_: EventObject
    changed: list[str] | None
    reason: None | RemovedReason
    actor: Actor
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        workspace_id = str(self.workspace_id)

        sequence = self.sequence

        created_at = self.created_at.isoformat()

        object_ = self.object_.to_dict()

        changed: list[str] | None
        if isinstance(self.changed, list):
            changed = self.changed

        else:
            changed = self.changed

        reason: None | str
        if isinstance(self.reason, str):
            reason = self.reason
        else:
            reason = self.reason

        actor = self.actor.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "workspace_id": workspace_id,
                "sequence": sequence,
                "created_at": created_at,
                "object": object_,
                "changed": changed,
                "reason": reason,
                "actor": actor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.actor import Actor
        from ..models.event_object import EventObject

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        workspace_id = UUID(d.pop("workspace_id"))

        sequence = d.pop("sequence")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        object_ = EventObject.from_dict(d.pop("object"))

        def _parse_changed(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                changed_type_0 = cast(list[str], data)

                return changed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        changed = _parse_changed(d.pop("changed"))

        def _parse_reason(data: object) -> None | RemovedReason:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reason_type_1 = check_removed_reason(data)

                return reason_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemovedReason, data)

        reason = _parse_reason(d.pop("reason"))

        actor = Actor.from_dict(d.pop("actor"))

        event = cls(
            id=id,
            type_=type_,
            workspace_id=workspace_id,
            sequence=sequence,
            created_at=created_at,
            object_=object_,
            changed=changed,
            reason=reason,
            actor=actor,
        )

        event.additional_properties = d
        return event

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
