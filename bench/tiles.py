"""Publishing tiles (issue 18 item 7): how long ``showclear publish tiles`` takes, and an audit.

Prints one table; it is not a test and asserts nothing.

    python bench/tiles.py                  # a production of 100,000 entries
    python bench/tiles.py --size 300000    # another size

One production in a SQLite file (``synchronous=FULL``), grown with
``App.append_unchecked`` in batches of 10,000 (not timed), then:

- **first publish**: :func:`~showclear.service.tiles.publish_tiles` into an empty
  directory, every tile, bundle and the checkpoint written and flushed; target: under
  10 s for 100,000 entries (it happens once per directory). Each file is fsynced before
  its rename (a crash must not leave a half tile, which the next run would refuse as a
  different history), so on a busy disk the wall time is mostly those waits: compare
  the CPU-seconds;
- **re-publish, +1,000 entries**: after one more batch, only the new tiles; target under
  1 s, and no full tile of the first run rewritten;
- **audit with tlog-scales**: the independent client checks the checkpoint's signature,
  rebuilds the root from the tiles and proves 100 random entries (reported).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

from _common import Clock, load, verdict
from tlog_scales import signing
from tlog_scales import tiles as ts_tiles
from tlog_scales.backend import LocalBackend
from tlog_scales.reader import TilesReader

from showclear.service import App, MemoryKeyring, build_app
from showclear.service.tiles import publish_tiles

BATCH = 10_000


def person(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": "2026-11-25T08:00:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


def grow(app: App, slug: str, to: int, batch: int = BATCH) -> None:
    size = app.production(slug).size
    while size < to:
        end = min(size + batch, to)
        app.append_unchecked(slug, [person(n) for n in range(size, end)])
        size = end


def full_tiles(directory: Path) -> dict[Path, tuple[int, int]]:
    """Every full tile and bundle (no ``.p`` in the path): inode and mtime."""
    return {
        p: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (directory / "tile").rglob("*")
        if p.is_file() and ".p" not in p.relative_to(directory).as_posix()
    }


def audit(directory: Path, vkey: str, samples: int) -> int:
    """Check the directory with tlog-scales alone; return the size it proved."""
    reader = TilesReader(LocalBackend(directory))
    checkpoint = reader.get_checkpoint()
    checkpoint.verify(signing.Vkey.from_string(vkey))
    if reader.calculate_root_hash() != checkpoint.root_hash:
        raise SystemExit("the tiles do not rebuild the checkpoint's root")
    for index in random.Random(0).sample(range(checkpoint.size), samples):
        proof = reader.get_inclusion_proof(index, checkpoint.size)
        proof.check(ts_tiles.leaf_hash(reader.get_entry(index)), checkpoint.root_hash)
    return int(checkpoint.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="entries in the production")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-tiles-"))
    try:
        app = build_app(str(work / "tiles.db"), keyring=MemoryKeyring())
        info = app.init_production("Bench Tiles")
        grow(app, info.slug, args.size)
        out = work / "site"

        first = Clock().start()
        report = publish_tiles(app, info.slug, out)
        first.stop()
        rate = report.size / first.wall
        budget = 10 * args.size / 100_000
        before = full_tiles(out)

        grow(app, info.slug, args.size + 1_000)
        again = Clock().start()
        second = publish_tiles(app, info.slug, out)
        again.stop()
        after = full_tiles(out)
        kept = all(after[p] == stat for p, stat in before.items())

        checking = Clock().start()
        proved = audit(out, info.verifier_key, 100)
        checking.stop()
        app.close()

        print(f"tiles of a {args.size:,}-entry production ({load()})")
        print("| row | figure | target | verdict |")
        print("|---|---|---|---|")
        print(
            f"| first publish, {len(report.written)} files | {first}, {rate:,.0f} entries/s "
            f"| < {budget:g} s | {verdict(first.wall < budget)} |"
        )
        print(
            f"| re-publish, +1,000 entries, {len(second.written)} files | {again}; "
            f"full tiles rewritten: {'none' if kept else 'SOME'} | < 1 s, none rewritten "
            f"| {verdict(again.wall < 1 and kept)} |"
        )
        print(f"| audit with tlog-scales, {proved:,} entries, 100 proofs | {checking} | — | — |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
