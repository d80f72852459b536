"""Cosignatures and witness state in the store (schema 4), on every backend."""

from __future__ import annotations

import time

from tests.conftest import Backend

from showclear.ledger.cosignature import CosignatureVerifier, Cosigner
from showclear.service import App
from showclear.store import ProductionInfo, WitnessRefusalRow, WitnessStateRow


def test_cosignatures_state_and_refusals_are_kept_and_read_back_after_reopening(
    app: App, production: ProductionInfo, backend: Backend
) -> None:
    """What a write session stores is there for the next reader, in a new connection."""
    state = WitnessStateRow("insurer", 1, 1, "2026-11-25T08:00:00Z", 0, None, None, None)
    refusal = WitnessRefusalRow("union", "2026-11-25T08:01:00Z", 422, 1, "old 3\n", "bad proof")
    with app.store.write(production.slug) as session:
        session.add_cosignature(1, "insurer", "— insurer.example AAAA", 1_790_000_000, "t0")
        session.put_witness_state(state)
        session.put_witness_state(WitnessStateRow("union", known_size=5, failures=3))
        session.add_witness_refusal(refusal)
    app.close()
    store = backend.open()
    try:
        with store.write(production.slug) as session:  # a later answer replaces the first
            session.add_cosignature(1, "insurer", "— insurer.example BBBB", 1_790_000_001, "t1")
            session.put_witness_state(WitnessStateRow("union", known_size=6, failures=4))
        with store.read(production.slug) as session:
            assert session.cosignatures(1) == [("insurer", "— insurer.example BBBB", 1_790_000_001)]
            assert session.cosignatures(2) == []
            assert session.witness_states() == [
                state,
                WitnessStateRow("union", known_size=6, failures=4),
            ]
            assert session.witness_refusals() == [refusal]
    finally:
        store.close()


def test_the_served_checkpoint_carries_the_stored_cosignatures(
    app: App, production: ProductionInfo
) -> None:
    """C2SP tlog-cosignature: extra signature lines on the note, each verifying by its key."""
    note = app.checkpoint(production.slug)
    body = note[: note.index("\n\n") + 1]
    witness = Cosigner.generate("insurer.example/witness")
    line = witness.cosign(body, int(time.time()))
    with app.store.write(production.slug) as session:
        session.add_cosignature(1, "insurer", line.rstrip("\n"), 1, "now")
    served = app.checkpoint(production.slug)
    assert served == note + line
    assert CosignatureVerifier(witness.verifier_key).verify(served) > 0
