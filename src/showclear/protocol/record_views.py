"""Read-only views of the projection's records: what every reader outside the fold gets.

Each view has the fields of its record in :mod:`showclear.protocol.projection`
(``WeaponView`` of ``WeaponRecord``, and so on), every one read-only (PEP 705), with
lists as ``Sequence`` and objects as ``Mapping``: mypy refuses any change made
through a view. At run time a view is a ``types.MappingProxyType`` over the stored
record, so assigning to one of its fields raises ``TypeError`` too. Only the fold
(:mod:`showclear.protocol.fold`) changes records, through ``Projection._get``.

A test holds each view's fields to its record's (tests/protocol).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict

if TYPE_CHECKING:
    # Only mypy reads these annotations (they stay strings at run time: PEP 563).
    from typing_extensions import ReadOnly

__all__ = [
    "CeasefireView",
    "ConcernView",
    "DayView",
    "IncidentView",
    "InspectionView",
    "LotView",
    "MagazineView",
    "MetaView",
    "NearView",
    "OverrideView",
    "PermitView",
    "PersonView",
    "PlannedWeaponView",
    "ProductionView",
    "SetupView",
    "StorageView",
    "SupplierView",
    "SurrenderView",
    "SuspectView",
    "WeaponView",
]


class MetaView(TypedDict):
    last_at: ReadOnly[str | None]
    events: ReadOnly[int]
    refused: ReadOnly[int]
    incidents: ReadOnly[int]
    concerns: ReadOnly[int]
    overrides: ReadOnly[int]
    incidents_closed: ReadOnly[int]
    concerns_answered: ReadOnly[int]
    overrides_used: ReadOnly[int]


class ProductionView(TypedDict):
    name: ReadOnly[str]
    origin: ReadOnly[str]
    public_key: ReadOnly[str]
    slug: ReadOnly[str | None]
    created_at: ReadOnly[str]


class PermitView(TypedDict):
    number: ReadOnly[str]
    expires: ReadOnly[str]


class PersonView(TypedDict):
    name: ReadOnly[str]
    roles: ReadOnly[Sequence[str]]
    trainings: ReadOnly[Sequence[str]]
    permits: ReadOnly[Mapping[str, PermitView]]


class StorageView(TypedDict):
    name: ReadOnly[str]
    lockable: ReadOnly[bool]


class InspectionView(TypedDict):
    at: ReadOnly[str]
    by: ReadOnly[str]
    chambers: ReadOnly[Sequence[str]]
    barrel_clear: ReadOnly[bool]
    performer: ReadOnly[str | None]
    performer_confirmed: ReadOnly[bool]
    magazine_well: ReadOnly[NotRequired[str | None]]
    magazines: ReadOnly[NotRequired[Sequence[str]]]


class WeaponView(TypedDict):
    serial: ReadOnly[str]
    make: ReadOnly[str]
    model: ReadOnly[str]
    category: ReadOnly[str]
    caliber: ReadOnly[str]
    action: ReadOnly[str]
    chambers: ReadOnly[Sequence[str]]
    location: ReadOnly[str]
    setup: ReadOnly[str | None]
    barrel_checked: ReadOnly[bool]
    uncertain: ReadOnly[str | None]
    last_inspection: ReadOnly[InspectionView | None]
    inspection_is_last_event: ReadOnly[bool]
    state: ReadOnly[str]
    misfired: ReadOnly[Sequence[int]]
    quarantine: ReadOnly[str | None]
    surrendered: ReadOnly[NotRequired[SurrenderView]]
    magazine_capacity: ReadOnly[NotRequired[int]]
    magazines: ReadOnly[NotRequired[Sequence[str]]]
    well: ReadOnly[NotRequired[str | None]]


class SurrenderView(TypedDict):
    by: ReadOnly[str | None]
    at: ReadOnly[str]
    to: ReadOnly[str]


class MagazineView(TypedDict):
    weapon: ReadOnly[str]
    capacity: ReadOnly[int]
    rounds: ReadOnly[Sequence[str]]


class SuspectView(TypedDict):
    reason: ReadOnly[str]
    at: ReadOnly[str]
    entry: ReadOnly[int]


class LotView(TypedDict):
    kind: ReadOnly[str]
    caliber: ReadOnly[str]
    supplier: ReadOnly[str]
    origin: ReadOnly[str]
    storage: ReadOnly[str]
    load: ReadOnly[str | None]
    close_range: ReadOnly[bool]
    received: ReadOnly[int]
    in_storage: ReadOnly[int]
    in_weapons: ReadOnly[int]
    expended: ReadOnly[int]
    returned: ReadOnly[int]
    destroyed: ReadOnly[int]
    missing: ReadOnly[int]
    verified: ReadOnly[int]
    live_found: ReadOnly[int]
    discrepancy: ReadOnly[int]
    quarantined: ReadOnly[int]
    suspect: ReadOnly[SuspectView | None]


class SupplierView(TypedDict):
    name: ReadOnly[str]
    licence: ReadOnly[str]
    contact: ReadOnly[str]
    listed_by: ReadOnly[str]
    listed_at: ReadOnly[str]
    approved_by: ReadOnly[str | None]
    approved_at: ReadOnly[str | None]


class DayView(TypedDict):
    date: ReadOnly[str]
    open: ReadOnly[bool]
    opened_at: ReadOnly[str]
    duties: ReadOnly[Mapping[str, Sequence[str]]]


class PlannedWeaponView(TypedDict):
    weapon: ReadOnly[str]
    performer: ReadOnly[str]
    load: ReadOnly[str]
    lot: ReadOnly[str | None]
    rounds: ReadOnly[int]


class NearView(TypedDict):
    who: ReadOnly[str]
    distance_cm: ReadOnly[int]
    in_line_of_fire: ReadOnly[bool]
    shielded: ReadOnly[bool]
    remote: ReadOnly[bool]
    eye_protection: ReadOnly[bool]
    hearing_protection: ReadOnly[bool]


class SetupView(TypedDict):
    scene: ReadOnly[str]
    kind: ReadOnly[str]
    weapons: ReadOnly[Sequence[PlannedWeaponView]]
    direction: ReadOnly[str]
    people_near: ReadOnly[Sequence[NearView]]
    handler_signoff: ReadOnly[str | None]
    functional_reason: ReadOnly[str | None]
    version: ReadOnly[int]
    meeting_version: ReadOnly[int | None]
    confirmed: ReadOnly[Sequence[str]]
    completed: ReadOnly[bool]


class IncidentView(TypedDict):
    kind: ReadOnly[str]
    opened_at: ReadOnly[str]
    description: ReadOnly[str]
    weapon: ReadOnly[str | None]
    lot: ReadOnly[str | None]
    rules: ReadOnly[Sequence[str]]
    reviews: ReadOnly[Mapping[str, str]]


class ConcernView(TypedDict):
    raised_at: ReadOnly[str]
    text: ReadOnly[str]
    anonymous: ReadOnly[bool]
    stop_work: ReadOnly[bool]
    raised_by: ReadOnly[str | None]
    escalated: ReadOnly[bool]


class OverrideView(TypedDict):
    rule: ReadOnly[str]
    reason: ReadOnly[str]
    weapon: ReadOnly[str | None]
    setup: ReadOnly[str | None]
    granted_by: ReadOnly[str]
    granted_at: ReadOnly[str]


class CeasefireView(TypedDict):
    active: ReadOnly[bool]
    incidents: ReadOnly[Sequence[int]]
    stop_work_concerns: ReadOnly[Sequence[int]]
