"""A rewritten history, signed with the production's own key, fails a verifier that pins witnesses.

Two witnesses (showclear's own C2SP tlog-witness, in process) cosign every checkpoint
of a production as it is signed. The operator then rewrites the history: a database
restored from when it held one entry, the same key file (without its memory of what it
signed), different entries. The witnesses refuse the new checkpoints; the rewritten
bundle verifies as consistent, and with the production's key pinned, but not with the
witnesses' keys pinned, not even with the witnesses' old cosignatures pasted onto it.
"""

from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from showclear.bundle import build_bundle, verify_bundle
from showclear.ledger.cosignature import add_cosignatures
from showclear.ledger.pins import Pins
from showclear.service import App, FileKeyring, FixedClock, build_app
from showclear.witness import Witness, WitnessError, add_log, init_witness

SLUG = "dust-creek"
NOW = 1_790_000_000


def event(n: int, name: str) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": f"2026-11-25T08:{n:02d}:00Z",
        "actor": None,
        "person": f"crew-{n:03d}",
        "name": name,
        "roles": ["crew"],
    }


@dataclass
class Production:
    app: App
    key: str
    witnessed: dict[int, str]  # size -> the checkpoint note with the witnesses' cosignatures


def submit(app: App, witnesses: list[Witness], old: int) -> str:
    """Send the latest checkpoint to every witness with a proof from ``old``; the cosigned note.

    Raises:
        WitnessError: a witness refused it.
    """
    note = app.checkpoint(SLUG)
    proof = app.prove_consistency(SLUG, old).hashes if old else []
    body = "".join(f"{line}\n" for line in [f"old {old}", *map(_b64, proof)]) + "\n" + note
    lines = [w.add_checkpoint(body.encode()) for w in witnesses]
    return add_cosignatures(note, lines)


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def bundle_of(app: App, notes: dict[int, str]) -> bytes:
    """The production's bundle with the given notes in place of the stored ones."""
    with app.store.read(SLUG) as session:
        entries = [row.data for row in session.entries(0)]
        stored = dict(session.checkpoints())
    key = app.verifier_key(SLUG)
    return build_bundle(key, entries, sorted({**stored, **notes}.items()))[0]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Production, list[Witness], Path]:
    keys = tmp_path / "keys"
    app = build_app(
        str(tmp_path / "p.db"),
        keyring=FileKeyring(keys),
        clock=FixedClock(datetime(2026, 11, 25, 6, tzinfo=UTC)),
    )
    key = app.init_production("Dust Creek").verifier_key
    app.close()
    shutil.copyfile(tmp_path / "p.db", tmp_path / "at-one-entry.db")
    app = build_app(str(tmp_path / "p.db"), keyring=FileKeyring(keys))
    witnesses = []
    for name in ("insurer.example/w", "union.example/w"):
        directory = tmp_path / name.split(".")[0]
        init_witness(directory, name)
        add_log(directory, key)
        witnesses.append(Witness.open(directory, clock=lambda: NOW))
    witnessed = {1: submit(app, witnesses, 0)}
    for batch in ((1, 2), (3, 4, 5)):
        old = app.production(SLUG).size
        app.append_unchecked(SLUG, [event(n, f"Crew member {n}") for n in batch])
        witnessed[app.production(SLUG).size] = submit(app, witnesses, old)
    return Production(app, key, witnessed), witnesses, tmp_path


def test_the_witnessed_history_verifies_with_every_key_pinned(
    world: tuple[Production, list[Witness], Path],
) -> None:
    production, witnesses, _ = world
    data = bundle_of(production.app, production.witnessed)
    vkeys = [w.cosigner.verifier_key for w in witnesses]
    report = verify_bundle(data, Pins.parse(production.key, vkeys))
    assert report.ok, report.problem
    assert sorted(report.witnessed) == ["insurer.example/w", "union.example/w"]
    production.app.close()


def test_a_history_rewritten_with_the_same_key_fails_a_verifier_pinning_the_witnesses(
    world: tuple[Production, list[Witness], Path],
) -> None:
    production, witnesses, tmp_path = world
    production.app.close()
    # The operator restores the one-entry copy and keeps the key, not its memory.
    forged_keys = tmp_path / "forged-keys"
    forged_keys.mkdir()
    for key_file in (tmp_path / "keys").glob("*.key"):
        shutil.copy(key_file, forged_keys / key_file.name)
    forger = build_app(str(tmp_path / "at-one-entry.db"), keyring=FileKeyring(forged_keys))
    forger.append_unchecked(SLUG, [event(1, "Someone Else"), event(2, "Crew member 2")])
    forger.append_unchecked(SLUG, [event(n, f"Crew member {n}") for n in (3, 4, 5)])
    assert forger.verifier_key(SLUG) == production.key
    # 1. The witnesses refuse the rewritten checkpoint: they hold size 6 of the real one,
    #    and from there the rewritten 6 is another root at the same size (a fork).
    for witness in witnesses:
        for old in (3, 6):
            with pytest.raises(WitnessError):
                submit(forger, [witness], old)
    rewritten = bundle_of(forger, {})
    # 2. Consistent, signed with the production's key: a verifier pinning the key only
    #    cannot tell.
    assert verify_bundle(rewritten, Pins.parse(production.key)).ok
    # 3. Pinning the witnesses: no quorum on the rewritten latest checkpoint.
    vkeys = [w.cosigner.verifier_key for w in witnesses]
    problem = verify_bundle(rewritten, Pins.parse(production.key, vkeys)).problem
    assert problem is not None
    assert problem.startswith("checkpoint 6 is cosigned by 0 of the witnesses you pinned")
    # 4. The witnesses' cosignatures of the real checkpoint 6, pasted onto the rewritten one.
    witness_names = tuple(f"\u2014 {w.cosigner.name} " for w in witnesses)
    real_lines = production.witnessed[6].rpartition("\n\n")[2].split("\n")
    pasted = add_cosignatures(
        forger.checkpoint(SLUG), [x for x in real_lines if x.startswith(witness_names)]
    )
    report = verify_bundle(bundle_of(forger, {6: pasted}), Pins.parse(production.key, vkeys))
    assert report.problem is not None
    assert report.problem.startswith(
        "checkpoint 6: the cosignature by witness insurer.example/w does not match the checkpoint"
    )
    forger.close()
