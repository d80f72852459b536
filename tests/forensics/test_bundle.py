"""The export bundle: an intact one verifies offline; one changed byte anywhere does not.

``showclear verify --bundle`` needs no database: the CLI tests point ``--db`` at a
path that does not exist and check that it is never created.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from showclear.bundle import verify_bundle
from showclear.bundle.layout import zip_members
from showclear.ledger import Ed25519Signer, leaf_hash
from showclear.service import FixedClock, MemoryKeyring, build_app
from system_tools import in_ci, need_program

from .histories import Demo

Members = list[tuple[str, bytes]]


@pytest.fixture(scope="module")
def bundle(demo: Demo) -> bytes:
    """The demo day's bundle: 80 entries, 77 checkpoints."""
    data, summary = demo.app.export_bundle(demo.slug)
    assert (summary.entries, summary.checkpoints) == (80, 77)
    return data


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bundle of a production with one entry: small enough to change every byte of."""
    db = tmp_path_factory.mktemp("tiny") / "tiny.db"
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    app = build_app(str(db), keyring=MemoryKeyring(), clock=clock)
    app.init_production("Tiny")
    data, _ = app.export_bundle("tiny")
    app.close()
    return data


def _members(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _rezip(data: bytes, change: Callable[[Members], Members]) -> bytes:
    """The bundle with its members changed, in a well-formed canonical zip."""
    return zip_members(change(_members(data)))


def _flip(data: bytes, position: int, mask: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= mask
    return bytes(changed)


def _replace(name: str, new: Callable[[bytes], bytes]) -> Callable[[Members], Members]:
    return lambda members: [(n, new(d) if n == name else d) for n, d in members]


def test_an_intact_bundle_verifies_offline(bundle: bytes) -> None:
    """Every leaf hash, root, signature and consistency holds; the report says what it checked."""
    report = verify_bundle(bundle)
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (80, 77)
    assert report.origin == "showclear.example/productions/dust-creek"


def test_an_export_is_reproducible(demo: Demo, bundle: bytes) -> None:
    """The same ledger exports to the same bytes (no timestamps, fixed metadata)."""
    assert demo.app.export_bundle(demo.slug)[0] == bundle


#: Where to change a byte of a bundle of ``n`` bytes: every byte of the first member's header
#: and of the last 120 bytes (the end record and the last central directory records), and
#: 150 more spread evenly in between.
REGIONS: dict[str, Callable[[int], list[int]]] = {
    "first-header": lambda n: list(range(48)),
    "last-120": lambda n: [n - k for k in range(1, 121)],
    "150-between": lambda n: [48 + (n - 168) * k // 150 for k in range(150)],
}


@pytest.mark.parametrize("region", REGIONS)
def test_a_bundle_with_any_changed_byte_fails(bundle: bytes, region: str) -> None:
    """One byte changed anywhere (header, entry, checkpoint, README, directory) is found."""
    missed = []
    for position in REGIONS[region](len(bundle)):
        mask = (0x01, 0x80, 0xFF, 0x20)[position % 4]
        report = verify_bundle(_flip(bundle, position, mask))
        if report.ok or not report.problem:
            missed.append(f"byte {position} xor {mask:#04x}: ok={report.ok}, {report.problem!r}")
    assert missed == [], f"{len(missed)} changed bytes not named as a problem: {missed}"


def test_every_single_byte_of_a_small_bundle_is_checked(tiny: bytes) -> None:
    """Exhaustively: flipping the lowest bit of any byte of a one-entry bundle fails it."""
    assert verify_bundle(tiny).ok
    passed = [i for i in range(len(tiny)) if verify_bundle(_flip(tiny, i, 0x01)).ok]
    assert passed == []


@settings(max_examples=60, deadline=None, database=None)
@given(data=st.data())
def test_any_byte_changed_to_any_other_value_fails(tiny: bytes, data: st.DataObject) -> None:
    """A random position set to a random different value; or a byte cut off; or one added."""
    position = data.draw(st.integers(0, len(tiny) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != tiny[position]))
    changed = bytearray(tiny)
    changed[position] = value
    assert not verify_bundle(bytes(changed)).ok
    assert not verify_bundle(tiny[:position]).ok
    assert not verify_bundle(tiny + bytes([value])).ok


# -- the first problem, named -----------------------------------------------------------------


def _problem(bundle: bytes, change: Callable[[Members], Members]) -> str:
    report = verify_bundle(_rezip(bundle, change))
    assert report.problem is not None
    return report.problem


def test_a_changed_entry_breaks_the_root_of_the_first_checkpoint_over_it(bundle: bytes) -> None:
    """Entry 30 (Dana's refused handoff) edited to name someone else: the first checkpoint
    over it (size 32: the refusal and its custody gap were signed together) fails."""
    forged = _replace("entries/00000030.json", lambda d: d.replace(b'"dana"', b'"jack"'))
    assert "checkpoint 32: the root recomputed from entries 0 to 31" in _problem(bundle, forged)


def test_a_removed_entry_is_named(bundle: bytes) -> None:
    removed = lambda ms: [(n, d) for n, d in ms if n != "entries/00000030.json"]  # noqa: E731
    assert _problem(bundle, removed) == "entry 30 is missing from the bundle"


def test_reordered_entries_break_the_root(bundle: bytes) -> None:
    def swap(members: Members) -> Members:
        data = dict(members)
        a, b = "entries/00000032.json", "entries/00000033.json"
        data[a], data[b] = data[b], data[a]
        return list(data.items())

    assert "checkpoint 33: the root recomputed" in _problem(bundle, swap)


def test_a_non_canonical_entry_is_named(bundle: bytes) -> None:
    spaced = _replace("entries/00000005.json", lambda d: d.replace(b":", b": ", 1))
    assert _problem(bundle, spaced).startswith("entry 5 is not a canonical ledger entry")


def test_a_forged_signature_is_named(bundle: bytes) -> None:
    """A checkpoint re-signed by another key with the production's name does not verify."""
    members = _members(bundle)
    name, note = next((n, d) for n, d in members if n.startswith("checkpoints/"))
    impostor = Ed25519Signer.generate("showclear.example/productions/dust-creek")
    body = note.decode().rpartition("\n\n")[0] + "\n"
    from showclear.ledger import sign_note

    forged = _replace(name, lambda _: sign_note(body, [impostor]).encode())
    assert _problem(bundle, forged).startswith(f"checkpoint {int(name[12:20])} does not verify")


def test_another_key_is_refused_by_the_first_entry(bundle: bytes) -> None:
    other = Ed25519Signer.generate("showclear.example/productions/dust-creek")
    key = (other.verifier().verifier_key() + "\n").encode()
    problem = _problem(bundle, _replace("verifier-key.txt", lambda _: key))
    assert problem == "entry 0 is not the production's first entry naming this verifier key"


def test_an_edited_readme_and_an_extra_file_are_named(bundle: bytes) -> None:
    edited = _replace("README.md", lambda d: d.replace(b"only a key you", b"any key you"))
    assert _problem(bundle, edited) == "README.md differs from the README of this bundle's format"
    extra = lambda ms: [*ms, ("notes.txt", b"trust me")]  # noqa: E731
    assert "holds 'notes.txt'" in _problem(bundle, extra)


def test_an_altered_container_is_named_even_when_every_member_is_intact(bundle: bytes) -> None:
    """A member's timestamp changed in its headers: the content verifies, the file does not."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in _members(bundle):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            out.writestr(info, data)
    report = verify_bundle(archive.getvalue())
    assert report.problem is not None
    assert report.problem.startswith("the zip container was altered")


# -- the command line, with no database ---------------------------------------------------------


def test_showclear_verify_bundle_needs_no_database(
    showclear: Callable[..., object], bundle: bytes, tmp_path: Path
) -> None:
    """Exit 0 on an intact bundle, 1 naming the problem on a changed one; no database opened."""
    db = tmp_path / "absent" / "none.db"
    intact, broken = tmp_path / "intact.zip", tmp_path / "broken.zip"
    intact.write_bytes(bundle)
    broken.write_bytes(_flip(bundle, len(bundle) // 2, 0x01))
    ok = showclear("--db", str(db), "verify", "--bundle", str(intact))
    assert ok.code == 0, ok.err  # type: ignore[attr-defined]
    assert "80 entries and 77 checkpoints" in ok.out  # type: ignore[attr-defined]
    failed = showclear("--db", str(db), "verify", "--bundle", str(broken))
    assert failed.code == 1  # type: ignore[attr-defined]
    # The byte flipped lands in a member's data (a bad CRC-32) or in the zip's own structure.
    reason = failed.err_text  # type: ignore[attr-defined]
    assert "FAILED" in failed.err  # type: ignore[attr-defined]
    assert "Bad CRC-32" in reason or "altered" in reason
    assert not db.exists() and not db.parent.exists()


def test_showclear_export_writes_the_bundle_that_verifies(
    showclear: Callable[..., object], demo: Demo, bundle: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "dust-creek.zip"
    run = showclear("--db", str(demo.db), "export", "--bundle", str(target))
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert target.read_bytes() == bundle


# -- the README's own recipes, run --------------------------------------------------------------


def _unzip(bundle: bytes, folder: Path) -> str:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        archive.extractall(folder)
    return (folder / "README.md").read_text()


def _block_after(readme: str, marker: str) -> str:
    """The indented block that follows the line containing ``marker``."""
    lines = readme.split("\n")
    start = next(i for i, line in enumerate(lines) if marker in line) + 1
    while not lines[start].strip():
        start += 1
    block = []
    for line in lines[start:]:
        if line and not line.startswith("       "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)).strip() + "\n"


def test_the_readmes_python_recomputes_every_checkpoints_root(
    bundle: bytes, tmp_path: Path
) -> None:
    """The standard-library program in the README prints "ok" for each of the 77 checkpoints."""
    readme = _unzip(bundle, tmp_path)
    program = _block_after(readme, "every line must end in")
    run = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    lines = run.stdout.strip().split("\n")
    assert len(lines) == 77
    assert all(line.endswith(" ok") for line in lines), run.stdout


def test_the_readmes_leaf_hash_command_gives_the_leaf_hash(bundle: bytes, tmp_path: Path) -> None:
    need_program("sha256sum", "coreutils", "run the README's leaf hash recipe")
    bash = need_program("bash", "bash", "run the README's leaf hash recipe")
    readme = _unzip(bundle, tmp_path)
    command = _block_after(readme, "This prints the leaf hash")
    run = subprocess.run([bash, "-c", command], cwd=tmp_path, capture_output=True, text=True,
                         check=True)  # fmt: skip
    entry = re.search(r"entries/\d+\.json", command)
    assert entry is not None
    assert run.stdout.split()[0] == leaf_hash((tmp_path / entry[0]).read_bytes()).hex()


def test_the_readmes_openssl_commands_verify_the_latest_signature(
    bundle: bytes, tmp_path: Path
) -> None:
    openssl = need_program("openssl", "openssl", "run the README's signature recipe")
    bash = need_program("bash", "bash", "run the README's signature recipe")
    version = subprocess.run([openssl, "version"], check=False, capture_output=True, text=True)
    if not version.stdout.startswith("OpenSSL 3"):
        reason = f"the README's recipe needs OpenSSL 3 (found: {version.stdout.strip()!r})"
        if in_ci():
            pytest.fail(f"{reason}; CI=true must run every test")
        pytest.skip(reason)
    readme = _unzip(bundle, tmp_path)
    commands = _block_after(readme, "With OpenSSL 3:")
    run = subprocess.run(
        [bash, "-c", commands], check=False, cwd=tmp_path, capture_output=True, text=True
    )
    assert "Signature Verified Successfully" in run.stdout + run.stderr, run.stderr
