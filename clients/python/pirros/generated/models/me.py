from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.firm_summary import FirmSummary
    from ..models.rate_limit import RateLimit
    from ..models.workspace_access import WorkspaceAccess


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """Who you are and what you may reach.

    Attributes:
        client_id (str): Your client id.
        name (str): The credential's name, as your firm admin gave it.
        firm (FirmSummary): The firm the credential belongs to.
        workspaces (list[WorkspaceAccess]): The workspaces where the credential holds at least one grant, by name (then
            id).
            A workspace's `id` is what `/v1/workspaces/{ws}/...` takes.
        rate_limit (RateLimit): The rate limit as it stands after this request: the `X-RateLimit-*` headers' values.
    """

    client_id: str
    name: str
    firm: FirmSummary
    workspaces: list[WorkspaceAccess]
    rate_limit: RateLimit
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        name = self.name

        firm = self.firm.to_dict()

        workspaces = []
        for workspaces_item_data in self.workspaces:
            workspaces_item = workspaces_item_data.to_dict()
            workspaces.append(workspaces_item)

        rate_limit = self.rate_limit.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "name": name,
                "firm": firm,
                "workspaces": workspaces,
                "rate_limit": rate_limit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.firm_summary import FirmSummary
        from ..models.rate_limit import RateLimit
        from ..models.workspace_access import WorkspaceAccess

        d = dict(src_dict)
        client_id = d.pop("client_id")

        name = d.pop("name")

        firm = FirmSummary.from_dict(d.pop("firm"))

        workspaces = []
        _workspaces = d.pop("workspaces")
        for workspaces_item_data in _workspaces:
            workspaces_item = WorkspaceAccess.from_dict(workspaces_item_data)

            workspaces.append(workspaces_item)

        rate_limit = RateLimit.from_dict(d.pop("rate_limit"))

        me = cls(
            client_id=client_id,
            name=name,
            firm=firm,
            workspaces=workspaces,
            rate_limit=rate_limit,
        )

        me.additional_properties = d
        return me

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
