"""The service's ledger operations over a real database: append, prove, keys."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from showclear.ledger import Ed25519Verifier, open_checkpoint
from showclear.service import App, BadRequest, KeyFileError, NotFound
from showclear.service.ledger import prove_consistency, prove_inclusion
from showclear.store import ProductionInfo, Session


def person(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


def test_appending_events_returns_where_they_landed_and_the_new_checkpoint(
    app: App, production: ProductionInfo
) -> None:
    """N events land at the next N indexes under one checkpoint of the new size."""
    result = app.append_unchecked(production.slug, [person(n) for n in range(5)])
    assert (result.first_index, result.size) == (1, 6)
    verifier = Ed25519Verifier.from_verifier_key(production.verifier_key)
    assert open_checkpoint(result.checkpoint_note, verifier).size == 6
    assert app.checkpoint(production.slug) == result.checkpoint_note
    assert app.production(production.slug).size == 6


def test_a_ledger_grown_with_append_verifies(app: App, production: ProductionInfo) -> None:
    """Whatever App.append writes, App.verify accepts: entries, tree, checkpoints, projection."""
    for start in (0, 3, 10):
        app.append_unchecked(production.slug, [person(n) for n in range(start, start + 3)])
    report = app.verify(production.slug)
    assert report.problem is None
    assert (report.entries, report.checkpoints) == (10, 4)


def test_appending_without_the_private_key_names_the_file_it_looked_for(
    file_app: App, key_dir: Path
) -> None:
    """A database copied to another machine cannot grow: the key stays behind."""
    info = file_app.init_production("Dust Creek")
    for key_file in key_dir.iterdir():
        key_file.unlink()
    with pytest.raises(KeyFileError, match=f"is not at {key_dir}/.*\\.key"):
        file_app.append_unchecked(info.slug, [person(1)])
    assert file_app.production(info.slug).size == 1


def test_a_private_key_readable_by_others_is_refused(file_app: App, key_dir: Path) -> None:
    """A key file that other users can read is not used (chmod 600 is the fix named)."""
    info = file_app.init_production("Dust Creek")
    (key_file,) = key_dir.glob("*.key")
    os.chmod(key_file, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        file_app.append_unchecked(info.slug, [person(1)])


@pytest.mark.parametrize(
    ("index", "size", "message"),
    [
        (1, None, "entry 1 is not in the checkpoint of size 1"),
        (-1, None, "entry -1 is not in the checkpoint of size 1"),
        (0, 2, "there is no checkpoint at size 2; the latest is at size 1"),
    ],
)
def test_an_inclusion_proof_outside_the_ledger_is_a_bad_request(
    app: App, production: ProductionInfo, index: int, size: int | None, message: str
) -> None:
    """Indexes past the checkpoint and sizes without a checkpoint are refused by name."""
    with pytest.raises(BadRequest, match=message):
        app.prove_inclusion(production.slug, index, size)


def test_a_checkpoint_at_a_size_never_signed_is_not_found(
    app: App, production: ProductionInfo
) -> None:
    """Only stored checkpoints are served."""
    with pytest.raises(NotFound, match="no checkpoint at size 7"):
        app.checkpoint(production.slug, 7)


class CountingSession:
    """A session that counts the tree hashes a proof reads (a fake, not a patch)."""

    def __init__(self, inner: Session) -> None:
        self._inner = inner
        self.hashes_read = 0

    def nodes(self, coords: Sequence[tuple[int, int]]) -> list[bytes]:
        self.hashes_read += len(coords)
        return self._inner.nodes(coords)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_proofs_read_a_logarithmic_number_of_stored_hashes(
    app: App, production: ProductionInfo
) -> None:
    """A proof over n entries reads at most about 2 log2(n) hashes, never the whole tree."""
    for start in range(0, 1000, 100):
        app.append_unchecked(production.slug, [person(n) for n in range(start, start + 100)])
    size = 1001
    bound = 2 * math.ceil(math.log2(size))
    with app.store.read(production.slug) as session:
        for index in (0, 1, 500, 999, 1000):
            counting = CountingSession(session)
            prove_inclusion(counting, index)  # type: ignore[arg-type]
            assert counting.hashes_read <= bound
        for old in (1, 101, 501, 901):
            counting = CountingSession(session)
            prove_consistency(counting, old)  # type: ignore[arg-type]
            # The proof itself plus both roots.
            assert counting.hashes_read <= 3 * bound
