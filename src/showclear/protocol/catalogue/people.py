"""The production, its people and its places."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from showclear.protocol.catalogue.declare import OVERSIGHT, STOCK, Command, EventType
from showclear.protocol.catalogue.fields import Date, Event, Id, Jurisdiction, Role, Text
from showclear.protocol.catalogue.folding import Fold
from showclear.protocol.errors import InconsistentEventError
from showclear.protocol.policy import Policy
from showclear.protocol.projection import MetaRecord
from showclear.protocol.schema import Doc, items, unique

__all__ = [
    "TYPES",
    "PermitRecorded",
    "PersonRegistered",
    "ProductionCreated",
    "StorageAdded",
    "TrainingRecorded",
]

#: The API groups this module's commands under this topic.
TOPIC = "people and places"


class ProductionCreated(Event):
    """The first entry of every ledger, written by the service (actor null)."""

    production: Text
    origin: Text
    public_key: str
    slug: NotRequired[Id]
    jurisdiction: NotRequired[Jurisdiction]


class Permit(TypedDict):
    kind: Id
    number: Text
    expires: Date


class PersonRegistered(Event):
    """A person joins the production with their roles, trainings and permits."""

    person: Id
    name: Text
    roles: Annotated[list[Role], items(0, 7), unique()]
    trainings: NotRequired[
        Annotated[list[Id], items(0, 50), Doc("Weapon actions the person is trained for.")]
    ]
    permits: NotRequired[Annotated[list[Permit], items(0, 20)]]


class TrainingRecorded(Event):
    """A person is trained for a kind of weapon (PLAN-TRAINED)."""

    person: Id
    kind: Annotated[Id, Doc("A weapon action, e.g. revolver.")]


class PermitRecorded(Event):
    """A handler's permit or qualification (PLAN-PERMIT)."""

    person: Id
    permit: Permit


class StorageAdded(Event):
    """A storage location (CUS-SECURED: weapons are kept only in lockable storage)."""

    storage: Id
    name: Text
    lockable: bool


def _production_created(f: Fold, e: ProductionCreated) -> None:
    if f.projection._get("production") is not None:
        raise InconsistentEventError("the production was already created")
    f.put(
        "production",
        {
            "name": e["production"],
            "origin": e["origin"],
            "public_key": e["public_key"],
            "slug": e.get("slug"),
            "created_at": e["at"],
        },
    )
    meta: MetaRecord = {
        "last_at": None,
        "events": 0,
        "refused": 0,
        "incidents": 0,
        "concerns": 0,
        "overrides": 0,
        "incidents_closed": 0,
        "concerns_answered": 0,
        "overrides_used": 0,
    }
    f.put("meta", meta)
    jurisdiction = e.get("jurisdiction")
    policy = Policy().with_changes({"jurisdiction": jurisdiction}) if jurisdiction else Policy()
    f.put("policy", policy.to_json())
    f.put("ceasefire", {"active": False, "incidents": [], "stop_work_concerns": []})


def _person_registered(f: Fold, e: PersonRegistered) -> None:
    f.put(
        f"person:{e['person']}",
        {
            "name": e["name"],
            "roles": sorted(set(e["roles"])),
            "trainings": sorted(set(e.get("trainings", []))),
            "permits": {
                p["kind"]: {"number": p["number"], "expires": p["expires"]}
                for p in e.get("permits", [])
            },
        },
    )


def _training_recorded(f: Fold, e: TrainingRecorded) -> None:
    person = f.record(f"person:{e['person']}")
    person["trainings"] = sorted({*person["trainings"], e["kind"]})


def _permit_recorded(f: Fold, e: PermitRecorded) -> None:
    permit = e["permit"]
    person = f.record(f"person:{e['person']}")
    person["permits"][permit["kind"]] = {"number": permit["number"], "expires": permit["expires"]}


def _storage_added(f: Fold, e: StorageAdded) -> None:
    f.put(f"storage:{e['storage']}", {"name": e["name"], "lockable": e["lockable"]})


TYPES: tuple[EventType[Any], ...] = (
    EventType(
        ProductionCreated,
        "system",
        _production_created,
        lambda e, w: f"production {e['production']} created, origin {e['origin']}",
    ),
    EventType(
        PersonRegistered,
        "command",
        _person_registered,
        lambda e, w: f"{w.who(e['actor'])} registered {e['name']} ({', '.join(e['roles'])})",
        roles=OVERSIGHT,
        actor_optional=True,
        command=Command(
            "RegisterPerson",
            "Register a person on the production with their roles, trainings and permits.",
            route=("POST", "/people"),
            cli="person add",
            example={"person": "nia", "name": "Nia Stunt", "roles": ["performer"]},
        ),
    ),
    EventType(
        TrainingRecorded,
        "command",
        _training_recorded,
        lambda e, w: f"{w.who(e['actor'])} recorded {w.who(e['person'])} trained for {e['kind']}",
        roles=frozenset({"armorer", "safety_coordinator"}),
        actor_optional=True,
        command=Command(
            "RecordTraining",
            "Record that a person is trained for a kind of weapon (PLAN-TRAINED).",
            path="person",
            route=("POST", "/people/{person}/trainings"),
            cli="person training",
            example={"kind": "rifle"},
        ),
    ),
    EventType(
        PermitRecorded,
        "command",
        _permit_recorded,
        lambda e, w: (
            f"{w.who(e['actor'])} recorded {w.who(e['person'])}'s {e['permit']['kind']} permit "
            f"{e['permit']['number']}, expiring {e['permit']['expires']}"
        ),
        roles=OVERSIGHT,
        actor_optional=True,
        command=Command(
            "RecordPermit",
            "Record a handler's permit or qualification (PLAN-PERMIT).",
            path="person",
            route=("POST", "/people/{person}/permits"),
            cli="person permit",
            example={"permit": {"kind": "armorer", "number": "A-2", "expires": "2031-01-01"}},
        ),
    ),
    EventType(
        StorageAdded,
        "command",
        _storage_added,
        lambda e, w: f"{w.who(e['actor'])} added storage {e['storage']} ({e['name']})",
        roles=STOCK,
        actor_optional=True,
        command=Command(
            "AddStorage",
            "Add a storage location (CUS-SECURED: weapons are kept only in lockable storage).",
            route=("POST", "/storage"),
            cli="storage add",
            example={"storage": "truck-1", "name": "Armory truck", "lockable": True},
        ),
    ),
)
