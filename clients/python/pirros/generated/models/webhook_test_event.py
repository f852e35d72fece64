from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.actor import Actor
    from ..models.webhook_test_event_object import WebhookTestEventObject


T = TypeVar("T", bound="WebhookTestEvent")


@_attrs_define
class WebhookTestEvent:
    """What `POST .../test` sends: shaped as the feed's events, about the endpoint itself, and
    not in the feed (so no `sequence`).

        Attributes:
            id (str):
            type_ (str): Always `webhook.test`.
            workspace_id (UUID):
            sequence (None):
            created_at (datetime.datetime):
            object_ (WebhookTestEventObject): The endpoint a test event is about.
            changed (None):
            reason (None):
            actor (Actor): Who made the change: a client (its id), the admin tool or the system (a job).
    """

    id: str
    type_: str
    workspace_id: UUID
    sequence: None
    created_at: datetime.datetime
    object_: WebhookTestEventObject
    changed: None
    reason: None
    actor: Actor
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_

        workspace_id = str(self.workspace_id)

        sequence = self.sequence

        created_at = self.created_at.isoformat()

        object_ = self.object_.to_dict()

        changed = self.changed

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
        from ..models.webhook_test_event_object import WebhookTestEventObject

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type")

        workspace_id = UUID(d.pop("workspace_id"))

        sequence = d.pop("sequence")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        object_ = WebhookTestEventObject.from_dict(d.pop("object"))

        changed = d.pop("changed")

        reason = d.pop("reason")

        actor = Actor.from_dict(d.pop("actor"))

        webhook_test_event = cls(
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

        webhook_test_event.additional_properties = d
        return webhook_test_event

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
