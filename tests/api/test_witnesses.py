"""The production's witnesses through the API: listed by a policy change, their lag read."""

from __future__ import annotations

import time

import httpx

from showclear.ledger.cosignature import CosignatureVerifier, Cosigner

from .world import World


def test_without_witnesses_the_view_lists_none_and_every_day_counts_as_witnessed(
    client: httpx.Client, world: World
) -> None:
    """GET /ledger/witnesses answers for a production that lists no witness."""
    answer = client.get(world.path("/ledger/witnesses"), headers=world.auth("cree"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "quorum": 0,
        "unwitnessed_day_close": "warn",
        "witnesses": [],
        "witnessed_size": world.size(),
        "day_witnessed": True,
        "unwitnessed_close": None,
        "refusals": [],
    }


def test_a_listed_witness_shows_how_far_behind_it_is_and_its_cosignature_is_served(
    client: httpx.Client, world: World
) -> None:
    """PATCH /policy lists a witness; the view shows it behind by every entry until its
    cosignature is stored, which GET /ledger/checkpoint then carries."""
    witness = Cosigner.generate("insurer.example/witness")
    listed = {"name": "insurer", "url": "http://127.0.0.1:9", "key": witness.verifier_key}
    changed = client.patch(
        world.path("/policy"),
        json={"changes": {"witnesses": [listed], "witness_quorum": 1}},
        headers=world.auth("pru"),
    )
    assert changed.status_code == 200, changed.json()
    view = client.get(world.path("/ledger/witnesses"), headers=world.auth("cree")).json()
    (lag,) = view["witnesses"]
    assert (lag["witness"], lag["url"], lag["cosigned_size"]) == ("insurer", listed["url"], 0)
    assert lag["behind_entries"] == lag["ledger_size"] == world.size()
    # The witness answers (as the submitter would store it): the note carries the line.
    note = client.get(world.path("/ledger/checkpoint"), headers=world.auth("cree")).text
    line = witness.cosign(note[: note.index("\n\n") + 1], int(time.time()))
    size = world.size()
    with world.app.store.write(world.slug) as session:
        session.add_cosignature(size, "insurer", line.rstrip("\n"), 1, "now")
    served = client.get(world.path("/ledger/checkpoint"), headers=world.auth("cree")).text
    assert served == note + line
    assert CosignatureVerifier(witness.verifier_key).verify(served) > 0
