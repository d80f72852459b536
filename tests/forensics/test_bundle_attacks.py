"""Bundles under attack (issue 14): a forged ledger, ambiguous names, a zip bomb, witnesses.

Each attack verified ``OK`` or ran for minutes before bundles were read strictly and
verifiers could pin the production's key and its witnesses' keys.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from showclear.bundle import build_bundle, verify_bundle
from showclear.bundle.layout import entry_name, zip_members
from showclear.ledger.cosignature import Cosigner, add_cosignatures
from showclear.ledger.pins import Pins
from showclear.service import FixedClock, MemoryKeyring, build_app

from .histories import Demo
from .test_bundle import Members, _members

ORIGIN = "showclear.example/productions/dust-creek"


@pytest.fixture(scope="module")
def bundle(demo: Demo) -> bytes:
    return demo.app.export_bundle(demo.slug)[0]


@pytest.fixture(scope="module")
def key(demo: Demo) -> str:
    return demo.app.verifier_key(demo.slug)


@pytest.fixture(scope="module")
def forged(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A whole other ledger under the real origin, signed with the forger's own key."""
    db = tmp_path_factory.mktemp("forger") / "forged.db"
    app = build_app(str(db), keyring=MemoryKeyring(), clock=FixedClock(datetime.now(UTC)))
    app.init_production("Dust Creek", origin=ORIGIN)
    data, _ = app.export_bundle("dust-creek")
    app.close()
    return data


# -- pinning the production's key ---------------------------------------------------------------


def test_a_forged_ledger_is_consistent_but_not_authentic(forged: bytes, key: str) -> None:
    """Without a pinned key it is only consistent (and says so); with the real key it fails."""
    unpinned = verify_bundle(forged)
    assert unpinned.ok and unpinned.pinned is False
    problem = verify_bundle(forged, Pins.parse(key)).problem
    assert problem is not None
    assert problem.startswith("the bundle is signed with the key ")
    assert f"not with the key you pinned ({key})" in problem


def test_the_real_bundle_verifies_with_its_pinned_key(bundle: bytes, key: str) -> None:
    report = verify_bundle(bundle, Pins.parse(key))
    assert report.ok, report.problem
    assert report.pinned is True


def test_the_cli_says_in_words_what_was_and_was_not_checked(
    showclear: Callable[..., object], forged: bytes, key: str, tmp_path: Path
) -> None:
    """No --key: OK, but "authenticity was NOT checked"; --key with the real key: FAILED."""
    path = tmp_path / "forged.zip"
    path.write_bytes(forged)
    unpinned = showclear("verify", "--bundle", str(path))
    assert unpinned.code == 0, unpinned.err  # type: ignore[attr-defined]
    words = " ".join(unpinned.out.split())  # type: ignore[attr-defined]
    assert "it was not checked against a key you trust: authenticity was NOT checked" in words
    pinned = showclear("verify", "--bundle", str(path), "--key", key)
    assert pinned.code == 1  # type: ignore[attr-defined]
    assert "not with the key you pinned" in " ".join(pinned.err_text.split())  # type: ignore[attr-defined]
    bad = showclear("verify", "--bundle", str(path), "--key", "not-a-key")
    assert bad.code == 2  # type: ignore[attr-defined]
    assert "Cannot use the keys given" in bad.err  # type: ignore[attr-defined]


def test_the_cli_says_authentic_with_the_right_key(
    showclear: Callable[..., object], bundle: bytes, key: str, tmp_path: Path
) -> None:
    path = tmp_path / "dust-creek.zip"
    path.write_bytes(bundle)
    run = showclear("verify", "--bundle", str(path), "--key", key)
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert "Authentic: signed with the production key you pinned." in run.out  # type: ignore[attr-defined]


# -- one canonical name per member ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "alias"),
    [
        ("entries/00000001.json", "entries/000000001.json"),
        ("checkpoints/00000002.txt", "checkpoints/000000002.txt"),
    ],
)
def test_a_second_name_for_the_same_member_is_refused(
    bundle: bytes, canonical: str, alias: str
) -> None:
    """A forged copy beside the real one under a differently padded name is named, not read."""

    def add(members: Members) -> Members:
        data = dict(members)[canonical].replace(b"Paul Ortega", b"Paul Forged")
        return [*members, (alias, data)]

    problem = verify_bundle(zip_members(add(_members(bundle)))).problem
    assert problem is not None
    assert problem.startswith(f"the bundle holds {alias!r}, which is not part of a ledger bundle")


def test_the_same_name_twice_is_refused(bundle: bytes) -> None:
    members = _members(bundle)
    twice = [*members, ("entries/00000001.json", dict(members)["entries/00000001.json"])]
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = zip_members(twice)
    assert verify_bundle(archive).problem == "the bundle holds 'entries/00000001.json' twice"


def test_an_oversized_member_is_refused_from_the_directory(bundle: bytes) -> None:
    """An entry larger than any entry can be (64 KiB) is refused before it is read."""
    members = [
        (n, b"x" * 70_000 if n == "entries/00000003.json" else d) for n, d in _members(bundle)
    ]
    problem = verify_bundle(zip_members(members)).problem
    assert problem == (
        "entries/00000003.json declares 70,000 bytes; a bundle's member of this kind holds "
        "at most 65,536"
    )


# -- a zip bomb -----------------------------------------------------------------------------------


def _bomb(members: int, size: int) -> bytes:
    """A zip of ``members`` deflated members of ``size`` zero bytes, written by hand.

    One MiB of zeros is deflated once and ended with a full flush, so that the block
    repeats into a valid stream of ``size`` bytes; every member shares it. The test so
    builds a 3 MB archive of 3 GiB in a moment, where zipfile would deflate every byte.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (size >> 20) + compressor.flush()
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    out, directory = bytearray(), bytearray()
    for i in range(members):
        name = f"entries/{i:08d}.json".encode()
        offset = len(out)
        fields = (20, 0, 8, 0, 0x21, crc, len(stream), size, len(name), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name + stream
        directory += (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + name
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, members, members, len(directory), len(out), 0)
    return bytes(out + directory + end)


def test_a_zip_bomb_is_refused_at_once_with_little_memory(tmp_path: Path) -> None:
    """3 MB holding 3 GB: refused in well under a second, memory growing by under 200 MB."""
    bomb = _bomb(members=3, size=1 << 30)
    assert len(bomb) < 4_000_000
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb)
    program = textwrap.dedent(
        f"""
        import json, resource, sys, time
        from pathlib import Path
        from showclear.bundle import verify_bundle
        data = Path({str(path)!r}).read_bytes()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = verify_bundle(data)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"problem": report.problem, "seconds": seconds,
                          "grown_kib": after - before}}))
        """
    )
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60
    )
    wall = time.perf_counter() - started
    result = json.loads(run.stdout)
    assert result["problem"] == (
        "entries/00000000.json is compressed in the zip; a ledger bundle stores every member "
        "as it is (the file was not written by showclear export)"
    )
    assert result["seconds"] < 0.5, result
    assert result["grown_kib"] < 200 * 1024, result
    assert wall < 30


def test_members_pointing_at_the_same_bytes_are_refused(bundle: bytes) -> None:
    """A directory listing one stored member under many names (an overlapping zip) is refused
    before any member is read."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        info = archive.getinfo("entries/00000003.json")
    records = b""
    for i in range(len(bundle) // info.file_size + 2):
        name = entry_name(i).encode()
        records += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 0, 0, 0x21, info.CRC, info.file_size, info.file_size,
            len(name), 0, 0, 0, 0, 0, info.header_offset,
        ) + name  # fmt: skip
    count = len(bundle) // info.file_size + 2
    start = len(bundle) - 22  # the end record: the directory now follows the old one
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(records), start, 0)
    problem = verify_bundle(bundle[:start] + records + end).problem
    assert problem is not None
    assert problem == (
        "entries/00000001.json starts inside the member before it in the file: the zip's "
        "members overlap"
    )


# -- witnesses ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def witnessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, Cosigner, Cosigner]:
    """A small ledger whose latest checkpoint the insurer and the union cosigned."""
    db = tmp_path_factory.mktemp("witnessed") / "w.db"
    app = build_app(str(db), keyring=MemoryKeyring(), clock=FixedClock(datetime.now(UTC)))
    info = app.init_production("Dust Creek")
    app.append_unchecked(
        "dust-creek",
        [{"type": "StorageAdded", "at": info.created_at, "actor": None, "storage": "safe",
          "name": "Safe", "lockable": True}],
    )  # fmt: skip
    with app.store.read("dust-creek") as session:
        entries = [row.data for row in session.entries(0)]
        notes = list(session.checkpoints())
    app.close()
    insurer, union = Cosigner.generate("insurer.example/w"), Cosigner.generate("union.example/w")
    size, note = notes[-1]
    body = note[: note.rfind("\n\n") + 1]
    cosigned = add_cosignatures(
        note, [insurer.cosign(body, 1_764_480_000), union.cosign(body, 1_764_480_001)]
    )
    data, _ = build_bundle(info.verifier_key, entries, [*notes[:-1], (size, cosigned)])
    return data, info.verifier_key, insurer, union


def test_a_quorum_of_pinned_witnesses_verifies(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    data, key, insurer, union = witnessed
    report = verify_bundle(data, Pins.parse(key, [insurer.verifier_key, union.verifier_key]))
    assert report.ok, report.problem
    assert report.witnessed == {
        "insurer.example/w": 1_764_480_000,
        "union.example/w": 1_764_480_001,
    }


def test_unpinned_cosignatures_are_counted_not_trusted(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    data, key, insurer, _ = witnessed
    report = verify_bundle(data, Pins.parse(key, [insurer.verifier_key]))
    assert report.ok, report.problem
    assert report.unchecked_cosigners == ["union.example/w"]


def test_a_missing_witness_fails_the_quorum_by_name(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    data, key, insurer, _ = witnessed
    bond = Cosigner.generate("bond.example/w")
    problem = verify_bundle(
        data, Pins.parse(key, [insurer.verifier_key, bond.verifier_key])
    ).problem
    assert problem is not None
    assert problem.startswith("checkpoint 2 is cosigned by 1 of the witnesses you pinned")
    assert "not cosigned by: bond.example/w" in problem
    assert verify_bundle(
        data, Pins.parse(key, [insurer.verifier_key, bond.verifier_key], quorum=1)
    ).ok


def _with_latest_note(data: bytes, change: Callable[[str], str]) -> bytes:
    members = _members(data)
    name = "checkpoints/00000002.txt"
    return zip_members([(n, change(d.decode()).encode() if n == name else d) for n, d in members])


def test_a_cosignature_by_an_impostor_under_a_pinned_name_fails(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    """Replacing the insurer's cosignature with one by another key of the same name."""
    data, key, insurer, union = witnessed
    impostor = Cosigner(insurer.name, bytes(32))

    def replace(note: str) -> str:
        body = note[: note.rfind("\n\n") + 1]
        line = next(x for x in note.split("\n") if x.startswith(f"\u2014 {insurer.name} "))
        return note.replace(line + "\n", impostor.cosign(body, 1_764_480_000))

    pins = Pins.parse(key, [insurer.verifier_key, union.verifier_key])
    problem = verify_bundle(_with_latest_note(data, replace), pins).problem
    assert problem is not None
    assert problem.startswith("checkpoint 2 is cosigned by 1 of the witnesses you pinned")


def test_a_changed_cosignature_of_a_pinned_witness_fails(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    """The insurer's cosignature with its time moved a second: it no longer verifies."""
    data, key, insurer, _ = witnessed

    def shift(note: str) -> str:
        line = next(x for x in note.split("\n") if x.startswith(f"\u2014 {insurer.name} "))
        blob = bytearray(base64.b64decode(line.split(" ")[2]))
        blob[11] ^= 0x01  # the timestamp's last byte
        return note.replace(line, f"\u2014 {insurer.name} {base64.b64encode(blob).decode()}")

    pins = Pins.parse(key, [insurer.verifier_key])
    problem = verify_bundle(_with_latest_note(data, shift), pins).problem
    assert problem is not None
    assert problem.startswith("checkpoint 2: the cosignature by witness insurer.example/w")


def test_a_stray_signature_line_is_refused(
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
) -> None:
    data, _, _, _ = witnessed
    members = _members(data)
    extra = "\u2014 someone.example AAAAAAAAAAAAAAAA\n".encode()
    changed = [(n, d + extra if n == "checkpoints/00000002.txt" else d) for n, d in members]
    problem = verify_bundle(zip_members(changed)).problem
    assert problem == (
        "checkpoint 2 carries other signature lines than the production's own and "
        "witnesses' cosignatures"
    )


def test_the_cli_names_the_witnesses_that_cosigned(
    showclear: Callable[..., object],
    witnessed: tuple[bytes, str, Cosigner, Cosigner],
    tmp_path: Path,
) -> None:
    """--witness twice: the output names both, with the time each cosigned."""
    data, key, insurer, union = witnessed
    path = tmp_path / "witnessed.zip"
    path.write_bytes(data)
    args = ["--key", key, "--witness", insurer.verifier_key, "--witness", union.verifier_key]
    run = showclear("verify", "--bundle", str(path), *args)
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    words = " ".join(run.out.split())  # type: ignore[attr-defined]
    assert (
        "Witnessed: the latest checkpoint is cosigned by 2 of the 2 witnesses you pinned "
        "(quorum 2): insurer.example/w (cosigned 2025-11-30 05:20 UTC), union.example/w "
        "(cosigned 2025-11-30 05:20 UTC)."
    ) in words


# -- the chain of checkpoints ---------------------------------------------------------------------


def test_a_checkpoint_removed_from_the_bundle_is_named(bundle: bytes) -> None:
    """Checkpoint 32 taken out (the one over Dana's refused handoff): 33 names it."""
    removed = [(n, d) for n, d in _members(bundle) if n != "checkpoints/00000032.txt"]
    problem = verify_bundle(zip_members(removed)).problem
    assert problem == (
        "checkpoint 32 is missing: the checkpoint at size 33 names it as the one signed just "
        "before it (it was deleted)"
    )


def test_a_bundle_whose_checkpoints_name_no_predecessor_says_so(bundle: bytes) -> None:
    """Every link line removed: the bundle is consistent, and says deletions are unseen."""

    def first_line_only(name: str, data: bytes) -> bytes:
        if not name.startswith("checkpoints/"):
            return data
        head, _, lines = data.decode().rpartition("\n\n")
        return f"{head}\n\n{lines.split(chr(10))[0]}\n".encode()

    stripped = [(name, first_line_only(name, data)) for name, data in _members(bundle)]
    report = verify_bundle(zip_members(stripped))
    assert report.ok, report.problem
    assert report.unseen == [
        "no checkpoint names the one signed before it: a deleted checkpoint cannot be seen"
    ]
