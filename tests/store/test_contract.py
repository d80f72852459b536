"""The storage contract: what every backend's Store and Session must do.

Written once against the ``Store``/``Session`` port and run on every backend the
``backend`` fixture lists (tests/conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from showclear.ledger import Ed25519Signer, leaf_hash, open_checkpoint
from showclear.service.ledger import append_entries
from showclear.store import (
    EntryRow,
    ProductionExists,
    ProductionInfo,
    ProductionNotFound,
    SchemaError,
    Store,
    StoreError,
)
from showclear.store.sql import LATEST_SCHEMA

if TYPE_CHECKING:
    from tests.conftest import Backend

ORIGIN = "showclear.example/productions/dust-creek"


class Boom(Exception):
    """A failure in the middle of a transaction."""


def make_info(slug: str = "dust-creek", origin: str = ORIGIN) -> ProductionInfo:
    return ProductionInfo(slug, "Dust Creek", origin, f"{origin}+00000000+AA==", 0, "2026-11-25")


def row(index: int, data: bytes) -> EntryRow:
    return EntryRow(index, data, leaf_hash(data))


@pytest.fixture
def slug(store: Store) -> str:
    """An empty production in ``store``."""
    with store.create_production(make_info()):
        pass
    return "dust-creek"


# -- schema ---------------------------------------------------------------------


def test_a_new_database_is_at_the_latest_schema(store: Store) -> None:
    """Opening an empty database applies every shipped migration."""
    assert store.schema_version() == LATEST_SCHEMA


def test_migrating_twice_applies_nothing_the_second_time(store: Store) -> None:
    """Migrations are applied once; reopening or migrating again is a no-op."""
    assert store.migrate() == []


def test_a_database_with_a_newer_schema_is_refused(backend: Backend, store: Store) -> None:
    """A database written by a newer showclear is not opened, so it cannot be damaged."""
    store.close()
    backend.execute(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        (LATEST_SCHEMA + 1, "2030-01-01T00:00:00+00:00"),
    )
    with pytest.raises(SchemaError, match=f"schema version {LATEST_SCHEMA + 1}, newer"):
        backend.open()


# -- productions ------------------------------------------------------------------


def test_a_created_production_is_listed_with_its_identity(store: Store) -> None:
    """create_production stores the production's name, origin and key as given."""
    info = make_info()
    with store.create_production(info) as session:
        assert session.slug == info.slug
    assert store.productions() == [info]


@pytest.mark.parametrize(
    ("slug", "origin"),
    [("dust-creek", "another.example/origin"), ("another", ORIGIN)],
    ids=["same slug", "same origin"],
)
def test_a_second_production_with_the_same_slug_or_origin_is_refused(
    store: Store, slug: str, origin: str
) -> None:
    """Slugs and origins identify one production each."""
    with store.create_production(make_info()):
        pass
    with (
        pytest.raises(ProductionExists, match="already exists"),
        store.create_production(make_info(slug, origin)),
    ):
        pass
    assert [p.slug for p in store.productions()] == ["dust-creek"]


def test_a_failure_while_creating_a_production_leaves_no_production(store: Store) -> None:
    """The production and its first entry are written together or not at all."""
    with pytest.raises(Boom), store.create_production(make_info()) as session:
        session.add_entries([row(0, b'{"first":true}')])
        raise Boom
    assert store.productions() == []


@pytest.mark.parametrize("mode", ["read", "write"])
def test_a_session_on_an_unknown_production_raises_production_not_found(
    store: Store, mode: str
) -> None:
    """Opening a session names the production that does not exist."""
    with (
        pytest.raises(ProductionNotFound, match="no production 'nowhere'"),
        getattr(store, mode)("nowhere"),
    ):
        pass


# -- entries, nodes, checkpoints ----------------------------------------------------


def test_entries_come_back_byte_for_byte_in_index_order(store: Store, slug: str) -> None:
    """Stored bytes are returned exactly, whatever they hold, and ranges are half-open."""
    data = [b'{"a":1}', b"\x00\xff not utf-8 \x80", b"", b" " * 5000]
    with store.write(slug) as session:
        session.add_entries([row(i, d) for i, d in enumerate(data)])
    with store.read(slug) as session:
        assert [r.data for r in session.entries()] == data
        assert [r.index for r in session.entries(1, 3)] == [1, 2]
        assert session.entry(1) == row(1, data[1])


def test_reading_an_entry_that_is_not_stored_raises_store_error(store: Store, slug: str) -> None:
    """A missing entry is an error naming its index, not a None."""
    with store.read(slug) as session, pytest.raises(StoreError, match="entry 7 is not"):
        session.entry(7)


def test_nodes_are_read_by_level_and_index_with_leaves_at_level_zero(
    store: Store, slug: str
) -> None:
    """Level 0 is the entries' leaf hashes; higher levels come from the node table."""
    with store.write(slug) as session:
        session.add_entries([row(0, b"a"), row(1, b"b")])
        session.add_nodes([(1, 0, b"N" * 32), (2, 5, b"M" * 32)])
    with store.read(slug) as session:
        assert session.nodes([(0, 1), (1, 0), (2, 5)]) == [leaf_hash(b"b"), b"N" * 32, b"M" * 32]
        assert session.max_level() == 2
        assert list(session.level_nodes(1)) == [(0, b"N" * 32)]
        with pytest.raises(StoreError, match=r"tree node \(1, 1\)"):
            session.nodes([(1, 1)])


def test_checkpoints_are_listed_by_size_and_the_latest_is_the_largest(
    store: Store, slug: str
) -> None:
    """checkpoint() without a size is the latest; with a size, that one or an error."""
    with store.write(slug) as session:
        for size in (5, 1, 3):
            session.add_checkpoint(size, f"note {size}\n")
    with store.read(slug) as session:
        assert [s for s, _ in session.checkpoints()] == [1, 3, 5]
        assert session.checkpoint() == (5, "note 5\n")
        assert session.checkpoint(3) == (3, "note 3\n")
        with pytest.raises(StoreError, match="has no checkpoint at size 4"):
            session.checkpoint(4)


def test_the_projection_is_updated_deleted_and_replaced_by_key(store: Store, slug: str) -> None:
    """put_projection upserts and deletes (None); replace_projection starts over."""
    with store.write(slug) as session:
        session.put_projection({"weapon:1": {"state": "COLD"}, "weapon:2": {"state": "HOT"}})
        session.put_projection({"weapon:1": {"state": "DUMMY"}, "weapon:2": None})
        assert session.projection() == {"weapon:1": {"state": "DUMMY"}}
        session.replace_projection({"cease_fire": True})
    with store.read(slug) as session:
        assert session.projection() == {"cease_fire": True}


def test_one_record_is_read_by_its_key_without_the_rest(store: Store, slug: str) -> None:
    """record(key) is the stored value, or None for a key with no record."""
    with store.write(slug) as session:
        session.put_projection({"person:ana": {"roles": ["armorer"]}, "weapon:1": {"n": 1}})
        assert session.record("weapon:1") == {"n": 1}  # the transaction's own write
    with store.read(slug) as session:
        assert session.record("person:ana") == {"roles": ["armorer"]}
        assert session.record("person:bo") is None
        assert session.record("person:") is None


def test_records_under_a_prefix_match_it_exactly(store: Store, slug: str) -> None:
    """records(prefix) is every record whose key starts with prefix: case and "_" count."""
    with store.write(slug) as session:
        session.put_projection(
            {
                "person:ana": {"n": 1},
                "person:bo": {"n": 2},
                "Person:cy": {"n": 3},
                "persons": {"n": 4},
                "weapon:1": {"n": 5},
                "lot:a_1": {"n": 6},
                "lot:ab1": {"n": 7},
            }
        )
    with store.read(slug) as session:
        assert session.records("person:") == {"person:ana": {"n": 1}, "person:bo": {"n": 2}}
        assert session.records("lot:a_") == {"lot:a_1": {"n": 6}}
        assert session.records("storage:") == {}
        assert session.records("") == session.projection()


def test_records_are_read_per_production(store: Store, slug: str) -> None:
    """Another production's records are never returned."""
    with store.create_production(make_info("other", "another.example/origin")) as other:
        other.put_projection({"person:ana": {"other": True}})
    with store.write(slug) as session:
        session.put_projection({"person:ana": {"other": False}})
    with store.read(slug) as session:
        assert session.record("person:ana") == {"other": False}
        assert session.records("person:") == {"person:ana": {"other": False}}


# -- transactions -------------------------------------------------------------------


def test_appending_n_entries_is_one_transaction_ending_with_one_checkpoint(
    backend: Backend, store: Store, slug: str
) -> None:
    """Another connection sees none of an append until it commits, then all of it."""
    signer = Ed25519Signer.generate(ORIGIN)
    entries = [b'{"n":%d}' % i for i in range(37)]
    other = backend.open()
    try:
        with store.write(slug) as session:
            result = append_entries(session, signer, entries)
            with other.read(slug) as outside:
                assert outside.size() == 0
                assert list(outside.entries()) == []
                assert list(outside.checkpoints()) == []
        with other.read(slug) as outside:
            assert outside.size() == 37
            assert [r.data for r in outside.entries()] == entries
            assert [size for size, _ in outside.checkpoints()] == [37]
            assert open_checkpoint(outside.checkpoint()[1], signer.verifier()).size == 37
    finally:
        other.close()
    assert (result.first_index, result.size) == (0, 37)


def test_an_exception_inside_a_write_leaves_nothing_behind(store: Store, slug: str) -> None:
    """Entries, nodes, checkpoint, size and projection all roll back together."""
    signer = Ed25519Signer.generate(ORIGIN)
    with store.write(slug) as session:
        append_entries(session, signer, [b'{"n":0}'])
    with pytest.raises(Boom), store.write(slug) as session:
        append_entries(session, signer, [b'{"n":%d}' % i for i in range(1, 9)])
        session.put_projection({"weapon:1": {"state": "HOT"}})
        raise Boom
    with store.read(slug) as session:
        assert session.size() == 1
        assert [r.data for r in session.entries()] == [b'{"n":0}']
        assert session.max_level() == 0
        assert [size for size, _ in session.checkpoints()] == [1]
        assert session.projection() == {}


def test_a_driver_error_inside_a_write_is_translated_and_rolled_back(
    store: Store, slug: str
) -> None:
    """A duplicate entry index is a StoreError (never a driver exception) and undoes the write."""
    with store.write(slug) as session:
        session.add_entries([row(0, b"a")])
    with pytest.raises(StoreError, match="refused a write"), store.write(slug) as session:
        session.add_entries([row(1, b"b")])
        session.add_entries([row(0, b"again")])
    with store.read(slug) as session:
        assert [r.data for r in session.entries()] == [b"a"]


def test_revoking_every_login_of_a_person_leaves_others_and_revoked_ones_alone(
    store: Store,
) -> None:
    """revoke_logins ends one person's live sessions and tokens (ID-RESET), and says how many."""
    from showclear.store.base import LoginRow

    def login(id_: str, person: str, revoked: str | None = None) -> LoginRow:
        return LoginRow(
            id_,
            "token",
            person,
            f"h-{id_}",
            None,
            "2026-11-25T08:00:00Z",
            "2026-12-25T08:00:00Z",
            revoked,
        )

    with store.create_production(make_info()) as session:
        for row_ in (
            login("a1", "ava"),
            login("a2", "ava"),
            login("a3", "ava", "2026-11-25T08:00:00Z"),
            login("s1", "sam"),
        ):
            session.add_login(row_)
    with store.write("dust-creek") as session:
        assert session.revoke_logins("ava", "2026-11-25T09:00:00Z") == 2
    with store.read("dust-creek") as session:
        revoked = {r.id: r.revoked_at for r in session.logins()}
    assert revoked == {
        "a1": "2026-11-25T09:00:00Z",
        "a2": "2026-11-25T09:00:00Z",
        "a3": "2026-11-25T08:00:00Z",
        "s1": None,
    }


def test_a_login_is_found_by_its_id_only_in_its_own_production(store: Store) -> None:
    """login_by_id reads one row by its key: the right one here, None elsewhere or unknown."""
    from showclear.store.base import LoginRow

    def login(id_: str, person: str, revoked: str | None = None) -> LoginRow:
        return LoginRow(
            id_, "session", person, f"h-{id_}", None, "2026-11-25T08:00:00Z",
            "2026-11-25T20:00:00Z", revoked,
        )  # fmt: skip

    with store.create_production(make_info()) as session:
        session.add_login(login("a1", "ava"))
        session.add_login(login("a2", "ava", "2026-11-25T09:00:00Z"))
    with store.create_production(make_info("red-mesa", "showclear.local/red-mesa")):
        pass
    with store.read("dust-creek") as session:
        assert session.login_by_id("a1") == login("a1", "ava")
        assert session.login_by_id("a2") == login("a2", "ava", "2026-11-25T09:00:00Z")
        assert session.login_by_id("zz") is None
    with store.read("red-mesa") as session:
        assert session.login_by_id("a1") is None
