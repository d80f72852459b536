"""Verify and export stream the ledger: memory stays flat however many checkpoints there are.

A ledger of 50,000 entries with a checkpoint every ten entries (5,000 signed notes) is
verified and exported under a tracemalloc bound below what holding every checkpoint
took; a damaged checkpoint still fails with the same words.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from showclear.bundle import build_bundle, verify_bundle
from showclear.ledger import canonical_json
from showclear.service import App
from showclear.service.export import export_bundle
from showclear.service.ledger import append_entries
from showclear.service.verify import verify_ledger

if TYPE_CHECKING:
    from tests.conftest import Backend

ENTRIES = 50_000
PER_CHECKPOINT = 10
#: Below the ~7 MB that holding every checkpoint (its note, link and roots) took.
BOUND = 4_500_000


def _grow(app: App, entries: int, per_checkpoint: int) -> str:
    """A production of ``entries`` entries, each ``per_checkpoint`` under a signed checkpoint."""
    info = app.init_production("Dust Creek")
    signer = app.keyring.signer_for(info.verifier_key)
    with app.store.write(info.slug) as session:
        for n in range(1, entries, per_checkpoint):
            events = [
                {"type": "Note", "n": i, "at": "2026-11-25T08:00:00Z"}
                for i in range(n, min(n + per_checkpoint, entries))
            ]
            append_entries(session, signer, [canonical_json(e) for e in events])
    return info.slug


def _peak(work: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_verify_and_export_hold_a_few_mb_of_a_long_ledger(app: App, tmp_path: Path) -> None:
    """5,000 checkpoints are checked as the entries reach them, and written, then let go."""
    slug = _grow(app, ENTRIES, PER_CHECKPOINT)
    checkpoints = 1 + (ENTRIES - 1 + PER_CHECKPOINT - 1) // PER_CHECKPOINT
    path = tmp_path / "bundle.zip"
    with app.store.read(slug) as session, path.open("w+b") as out:
        report, verified = _peak(lambda: verify_ledger(session))
        summary, exported = _peak(lambda: export_bundle(session, out))
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (ENTRIES, checkpoints)
    assert verified < BOUND, f"verify peaked at {verified:,} bytes"
    assert (summary.entries, summary.checkpoints) == (ENTRIES, checkpoints)
    assert exported < BOUND, f"export peaked at {exported:,} bytes"
    assert summary.size_bytes == path.stat().st_size
    assert path.read_bytes() == app.export_bundle(slug)[0]


def test_a_changed_checkpoint_fails_verify_naming_it(app: App, backend: Backend) -> None:
    """Streaming changes nothing of the verdict: the damaged checkpoint is named."""
    slug = _grow(app, 2_000, 2)
    backend.execute(
        "UPDATE checkpoints SET note = replace(note, ?, ?) WHERE production = ? AND size = ?",
        ("\n\n", "\n \n", slug, 1_001),
    )
    with app.store.read(slug) as session:
        report = verify_ledger(session)
    assert report.problem is not None
    assert report.problem.startswith("checkpoint at size 1001"), report.problem


def test_a_streamed_bundle_is_the_one_built_in_memory_and_verifies(app: App) -> None:
    """The archive written member by member is byte for byte the one build_bundle makes."""
    slug = _grow(app, 300, 3)
    out = io.BytesIO()
    with app.store.read(slug) as session:
        export_bundle(session, out)
        key = session.production().verifier_key
        entries = [row.data for row in session.entries()]
        notes = list(session.checkpoints())
    assert out.getvalue() == build_bundle(key, entries, notes)[0]
    names = zipfile.ZipFile(out).namelist()
    assert names[:3] == ["README.md", "verifier-key.txt", "checkpoints/00000001.txt"]
    assert names[-1] == "entries/00000299.json"
    report = verify_bundle(out.getvalue())
    assert report.ok, report.problem


def test_a_checkpoint_size_altered_into_text_is_named_not_a_crash(
    app: App, backend: Backend
) -> None:
    """SQLite stores text in an integer column: verify reports the altered row."""
    if backend.name != "sqlite":
        return  # PostgreSQL refuses text in a BIGINT column
    slug = _grow(app, 20, 4)
    backend.execute("UPDATE checkpoints SET size = 'x' WHERE production = ? AND size = 20", (slug,))
    with app.store.read(slug) as session:
        report = verify_ledger(session)
    assert report.problem == (
        "the ledger cannot be read: a checkpoint has the non-integer index 'x' "
        "(the database was altered)"
    )
