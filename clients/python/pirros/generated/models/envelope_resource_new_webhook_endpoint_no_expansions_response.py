from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.disabled_reason import DisabledReason, check_disabled_reason
from ..models.endpoint_status import EndpointStatus, check_endpoint_status

if TYPE_CHECKING:
    from ..models.envelope_resource_new_webhook_endpoint_no_expansions_response_expanded import (
        EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded,
    )


T = TypeVar("T", bound="EnvelopeResourceNewWebhookEndpointNoExpansionsResponse")


@_attrs_define
class EnvelopeResourceNewWebhookEndpointNoExpansionsResponse:
    """One resource: its own fields and `expanded`.

    Attributes:
        id (str):
        url (str):
        event_types (list[str]):
        description (None | str):
        status (EndpointStatus):
        disabled_reason (DisabledReason | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        secret (str): `whsec_` and the base64 of the key: verify deliveries with it. Shown only here.
        expanded (EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded): `expanded` where nothing can be
            expanded: always `{}`.
    """

    id: str
    url: str
    event_types: list[str]
    description: None | str
    status: EndpointStatus
    disabled_reason: DisabledReason | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    secret: str
    expanded: EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        event_types = self.event_types

        description: None | str
        description = self.description

        status: str = self.status

        disabled_reason: None | str
        if isinstance(self.disabled_reason, str):
            disabled_reason = self.disabled_reason
        else:
            disabled_reason = self.disabled_reason

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        secret = self.secret

        expanded = self.expanded.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "event_types": event_types,
                "description": description,
                "status": status,
                "disabled_reason": disabled_reason,
                "created_at": created_at,
                "updated_at": updated_at,
                "secret": secret,
                "expanded": expanded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.envelope_resource_new_webhook_endpoint_no_expansions_response_expanded import (
            EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded,
        )

        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        status = check_endpoint_status(d.pop("status"))

        def _parse_disabled_reason(data: object) -> DisabledReason | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_reason_type_1 = check_disabled_reason(data)

                return disabled_reason_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisabledReason | None, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        secret = d.pop("secret")

        expanded = (
            EnvelopeResourceNewWebhookEndpointNoExpansionsResponseExpanded.from_dict(
                d.pop("expanded")
            )
        )

        envelope_resource_new_webhook_endpoint_no_expansions_response = cls(
            id=id,
            url=url,
            event_types=event_types,
            description=description,
            status=status,
            disabled_reason=disabled_reason,
            created_at=created_at,
            updated_at=updated_at,
            secret=secret,
            expanded=expanded,
        )

        envelope_resource_new_webhook_endpoint_no_expansions_response.additional_properties = d
        return envelope_resource_new_webhook_endpoint_no_expansions_response

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
