"""Publishing a production as C2SP tlog-tiles, checked by an independent client (tlog-scales).

showclear writes every file; tlog-scales (PyPI) only reads the directory as a static
log: it checks the checkpoint's signature, rebuilds the root from the tiles and proves
entries' inclusion, as an auditor with nothing but the directory would.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tlog_scales import signing
from tlog_scales import tiles as ts_tiles
from tlog_scales.backend import LocalBackend
from tlog_scales.reader import TilesReader
from tlog_scales.tlog import Checkpoint as TsCheckpoint

from showclear.ledger import Checkpoint, VerificationError, sign_checkpoint
from showclear.ledger.tiles import tiles_for
from showclear.service import App
from showclear.service.keys import MemoryKeyring
from showclear.service.tiles import publish_tiles
from showclear.store import ProductionInfo


def person(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


def grow(app: App, slug: str, to: int, batch: int = 1000) -> None:
    """Append PersonRegistered events in batches until the ledger has ``to`` entries."""
    size = app.production(slug).size
    while size < to:
        end = min(size + batch, to)
        app.append_unchecked(slug, [person(n) for n in range(size, end)])
        size = end


def audit(directory: Path, vkey: str, app: App, slug: str, samples: int) -> TsCheckpoint:
    """What an auditor does with tlog-scales alone; returns the checked checkpoint."""
    reader = TilesReader(LocalBackend(directory))
    checkpoint = reader.get_checkpoint()
    checkpoint.verify(signing.Vkey.from_string(vkey))  # raises unless our key signed it
    assert reader.calculate_root_hash() == checkpoint.root_hash
    rng = random.Random(checkpoint.size)
    picks = {0, checkpoint.size - 1, *rng.sample(range(checkpoint.size), samples)}
    for index in sorted(picks):
        entry = reader.get_entry(index)
        assert entry == app.entries(slug, index, 1)[1][0].data
        proof = reader.get_inclusion_proof(index, checkpoint.size)
        proof.check(ts_tiles.leaf_hash(entry), checkpoint.root_hash)  # raises if it fails
    return checkpoint


def files(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``directory``: (inode, mtime in ns, bytes) by relative path."""
    return {
        p.relative_to(directory).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in directory.rglob("*")
        if p.is_file()
    }


def test_published_tiles_verify_with_tlog_scales(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """Root, entries and inclusion proofs from the tiles agree with the signed checkpoint."""
    grow(app, production.slug, 1300, batch=97)
    out = tmp_path / "tiles"
    report = publish_tiles(app, production.slug, out)
    assert (report.previous_size, report.size) == (0, 1300)
    checkpoint = audit(out, production.verifier_key, app, production.slug, samples=40)
    assert (checkpoint.origin, checkpoint.size) == (production.origin, 1300)
    assert (out / "checkpoint").read_text() == app.checkpoint(production.slug)
    expected = {ref.path for ref in tiles_for(1300)}
    assert set(report.written) == expected
    assert set(files(out)) == expected | {"checkpoint"}  # no temporary file left behind


def test_republishing_writes_only_new_tiles_and_never_touches_a_full_one(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """Full tiles are immutable: after the ledger grows, the old ones are the same files."""
    out = tmp_path / "tiles"
    grow(app, production.slug, 600)
    publish_tiles(app, production.slug, out)
    before = files(out)
    old = audit(out, production.verifier_key, app, production.slug, samples=10)

    again = publish_tiles(app, production.slug, out)
    assert again.unchanged and again.already_there == 0
    assert files(out) == before  # nothing rewritten, not even the checkpoint's bytes

    grow(app, production.slug, 1100, batch=133)
    report = publish_tiles(app, production.slug, out)
    after = files(out)
    for path, stat in before.items():
        if path != "checkpoint":
            assert after[path] == stat, path  # same inode, mtime and bytes
    assert not set(report.written) & set(before)
    # Partial tiles of the old size stay: a client holding the old checkpoint reads them.
    assert "tile/0/002.p/88" in after and "tile/entries/002.p/88" in after
    new = audit(out, production.verifier_key, app, production.slug, samples=10)
    reader = TilesReader(LocalBackend(out))
    reader.get_checkpoint()
    proof = reader.get_consistency_proof(old.size, new.size)
    proof.check(old.root_hash, new.root_hash)  # the old tree is a prefix of the new one


def test_a_run_cut_short_is_finished_by_the_next(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """Tiles written without their checkpoint are kept as they are and the checkpoint follows."""
    out = tmp_path / "tiles"
    grow(app, production.slug, 700)
    publish_tiles(app, production.slug, out)
    (out / "checkpoint").unlink()  # as if the run died just before renaming it
    report = publish_tiles(app, production.slug, out)
    assert report.written == () and report.already_there == len(tiles_for(700))
    audit(out, production.verifier_key, app, production.slug, samples=5)


def test_a_directory_holding_a_different_history_is_refused(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """A tile whose bytes differ from this ledger's is never overwritten."""
    out = tmp_path / "tiles"
    grow(app, production.slug, 300)
    publish_tiles(app, production.slug, out)
    (out / "checkpoint").unlink()
    tile = out / "tile" / "0" / "000"
    forged = bytearray(tile.read_bytes())
    forged[5] ^= 1
    tile.write_bytes(bytes(forged))
    with pytest.raises(VerificationError, match="different history"):
        publish_tiles(app, production.slug, out)
    assert tile.read_bytes() == bytes(forged)
    assert not (out / "checkpoint").exists()


def test_another_productions_directory_is_refused(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """Each production publishes into its own directory; another's checkpoint stops it."""
    out = tmp_path / "tiles"
    publish_tiles(app, production.slug, out)
    other = app.init_production("Night Shoot")
    with pytest.raises(VerificationError, match="its own directory"):
        publish_tiles(app, other.slug, out)


def test_a_directory_behind_the_ledger_catches_up(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """An older checkpoint of this production in the directory: the new tiles are added."""
    out = tmp_path / "tiles"
    grow(app, production.slug, 20)
    publish_tiles(app, production.slug, out)
    (out / "checkpoint").write_text(app.checkpoint(production.slug, 1))
    report = publish_tiles(app, production.slug, out)
    assert (report.previous_size, report.size, report.written) == (1, 20, ())
    audit(out, production.verifier_key, app, production.slug, samples=5)


def test_a_published_size_beyond_the_ledger_is_refused(
    app: App, keyring: MemoryKeyring, production: ProductionInfo, tmp_path: Path
) -> None:
    """A directory ahead of the database means the database lost entries it published."""
    out = tmp_path / "tiles"
    publish_tiles(app, production.slug, out)
    signer = keyring.signer_for(production.verifier_key)
    ahead = Checkpoint(production.origin, 50, bytes(32))
    (out / "checkpoint").write_text(sign_checkpoint(ahead, [signer]))
    with pytest.raises(VerificationError, match="publishes 50 entries but the ledger has only 1"):
        publish_tiles(app, production.slug, out)


def test_a_checkpoint_not_signed_by_the_production_is_refused(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """A tampered checkpoint in the directory is not taken as what was published."""
    out = tmp_path / "tiles"
    publish_tiles(app, production.slug, out)
    note = (out / "checkpoint").read_text()
    (out / "checkpoint").write_text(note.replace("\n1\n", "\n2\n", 1))
    with pytest.raises(VerificationError, match="not a checkpoint signed by this production"):
        publish_tiles(app, production.slug, out)


def test_the_cli_publishes_tiles(showclear: Callable[..., Any], tmp_path: Path) -> None:
    """`showclear publish tiles --out DIR` writes a directory tlog-scales accepts."""
    run = showclear
    db, keys, out = tmp_path / "sc.db", tmp_path / "keys", tmp_path / "site"
    common = ["--db", str(db), "--key-dir", str(keys)]
    result = run(*common, "init", "--production", "Dust Creek")
    assert result.code == 0, result.err
    result = run(*common, "publish", "tiles", "--out", str(out))
    assert result.code == 0, result.err
    assert "Published 1 entries" in " ".join(result.out.split())
    result = run(*common, "publish", "tiles", "--out", str(out))
    assert "already publishes all 1 entries" in " ".join(result.out.split())
    vkey = run(*common, "key").out.strip()
    reader = TilesReader(LocalBackend(out))
    reader.get_checkpoint().verify(signing.Vkey.from_string(vkey))
    assert b'"Dust Creek"' in reader.get_entry(0)


@pytest.mark.slow
def test_tiles_of_a_100k_entry_production_verify_with_tlog_scales(
    app: App, production: ProductionInfo, tmp_path: Path
) -> None:
    """Issue 18's done-when: a 100,000-entry production's tiles pass the independent client."""
    out = tmp_path / "tiles"
    grow(app, production.slug, 60_000, batch=10_000)
    publish_tiles(app, production.slug, out)
    before = {p: s for p, s in files(out).items() if "." not in p and p != "checkpoint"}
    grow(app, production.slug, 100_000, batch=10_000)
    report = publish_tiles(app, production.slug, out)
    assert report.size == 100_000
    checkpoint = audit(out, production.verifier_key, app, production.slug, samples=200)
    assert checkpoint.size == 100_000
    after = files(out)
    assert all(after[p] == s for p, s in before.items())  # no full tile rewritten
