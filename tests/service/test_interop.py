"""Interoperability: what a real SQLite ledger publishes verifies with tlog-scales.

tlog-scales (PyPI) is an independent implementation of C2SP checkpoints and RFC
9162 proofs; showclear does the work, tlog-scales only checks it.
"""

from __future__ import annotations

import itertools

import pytest
from tlog_scales.signing import Vkey
from tlog_scales.tlog import Checkpoint as ScalesCheckpoint
from tlog_scales.tlog import ConsistencyProof as ScalesConsistency
from tlog_scales.tlog import InclusionProof as ScalesInclusion
from tlog_scales.tlog import InclusionProofInvalid

from showclear.ledger import TlogProof, leaf_hash
from showclear.service import App
from showclear.store import ProductionInfo

#: init makes size 1; the appends make 2, 5, 12, 13 and 21.
BATCHES = (1, 3, 7, 1, 8)
SIZES = (1, 2, 5, 12, 13, 21)


def person(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


@pytest.fixture
def grown(app: App, production: ProductionInfo) -> App:
    """The production of ``app`` grown to 21 entries under six checkpoints."""
    n = 1
    for batch in BATCHES:
        app.append_unchecked(production.slug, [person(i) for i in range(n, n + batch)])
        n += batch
    return app


def scales_checkpoint(app: App, size: int) -> ScalesCheckpoint:
    checkpoint = ScalesCheckpoint.from_text(app.checkpoint("dust-creek", size))
    checkpoint.verify(Vkey.from_string(app.verifier_key("dust-creek")))
    return checkpoint


def entry(app: App, index: int) -> bytes:
    with app.store.read("dust-creek") as session:
        return session.entry(index).data


@pytest.mark.parametrize("size", SIZES)
def test_every_stored_checkpoint_verifies_with_tlog_scales(grown: App, size: int) -> None:
    """Each checkpoint note is a C2SP signed note tlog-scales accepts for the verifier key."""
    checkpoint = scales_checkpoint(grown, size)
    assert checkpoint.origin == "showclear.example/productions/dust-creek"
    assert checkpoint.size == size


@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_verifies_with_tlog_scales(grown: App, size: int) -> None:
    """Every entry's tlog-proof, at every checkpoint, is a path tlog-scales accepts."""
    root = scales_checkpoint(grown, size).root_hash
    for index in range(size):
        proof = TlogProof.parse(grown.prove_inclusion("dust-creek", index, size))
        assert ScalesCheckpoint.from_text(proof.checkpoint_note).root_hash == root
        ScalesInclusion(index, size, proof.hashes).check(leaf_hash(entry(grown, index)), root)


@pytest.mark.parametrize(("old", "new"), list(itertools.combinations(SIZES, 2)))
def test_every_consistency_proof_verifies_with_tlog_scales(grown: App, old: int, new: int) -> None:
    """Between any two checkpoints, the consistency proof links their signed roots."""
    proof = grown.prove_consistency("dust-creek", old, new)
    old_root = scales_checkpoint(grown, old).root_hash
    new_root = scales_checkpoint(grown, new).root_hash
    assert (proof.old_root, proof.new_root) == (old_root, new_root)
    ScalesConsistency(old, new, proof.hashes).check(old_root, new_root)


def test_tlog_scales_rejects_an_inclusion_proof_for_other_bytes(grown: App) -> None:
    """The oracle really checks: a proof does not fit an entry it was not made for."""
    proof = TlogProof.parse(grown.prove_inclusion("dust-creek", 3))
    root = scales_checkpoint(grown, 21).root_hash
    with pytest.raises(InclusionProofInvalid, match="root_hash"):
        ScalesInclusion(3, 21, proof.hashes).check(leaf_hash(entry(grown, 4)), root)
