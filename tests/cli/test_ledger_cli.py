"""The ledger commands: init, checkpoint, key, prove, verify, and their exit codes.

Output is checked the way an outsider would check it: checkpoints and proofs are
parsed and verified with showclear's own verifiers and with tlog-scales, an
independent implementation from PyPI. Exit codes come from ``showclear.cli:main``
(the console script), which ``CliRunner.invoke(app, ...)`` bypasses.
"""

from __future__ import annotations

import base64
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tlog_scales.signing import Vkey
from tlog_scales.tlog import Checkpoint as ScalesCheckpoint
from tlog_scales.tlog import ConsistencyProof as ScalesConsistency
from tlog_scales.tlog import InclusionProof as ScalesInclusion
from typer.testing import CliRunner

from showclear.cli import app as cli_app
from showclear.ledger import (
    Ed25519Verifier,
    TlogProof,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_tlog_proof,
)
from showclear.service import FileKeyring, build_app

if TYPE_CHECKING:
    from tests.conftest import Backend, CliRun

Run = Callable[..., "CliRun"]
#: init writes entry 0; the appends below make checkpoints at sizes 1, 4, 9 and 11.
SIZES = (1, 4, 9, 11)


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the developer's shell leaks in: every path is given on the command line."""
    for name in ("SHOWCLEAR_DB", "SHOWCLEAR_KEY_DIR", "SHOWCLEAR_NOW", "SHOWCLEAR_PIN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def paths(backend: Backend, tmp_path: Path) -> list[str]:
    """The global options pointing at this test's database (each backend) and key directory."""
    return ["--db", backend.url, "--key-dir", str(tmp_path / "keys")]


def invoke(paths: list[str], *args: str) -> str:
    """Run a command through Typer's CliRunner; return its stdout, insisting on success."""
    result = CliRunner().invoke(cli_app, [*paths, *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


@pytest.fixture
def ledger(paths: list[str], tmp_path: Path) -> Iterator[list[str]]:
    """A production made with ``showclear init``, then grown by the service to 11 entries."""
    invoke(paths, "init", "--production", "Dust Creek")
    app = build_app(paths[1], keyring=FileKeyring(tmp_path / "keys"))
    try:
        for start, end in ((1, 4), (4, 9), (9, 11)):
            app.append_unchecked("dust-creek", [event(n) for n in range(start, end)])
    finally:
        app.close()
    yield paths


def event(n: int) -> dict[str, object]:
    return {
        "type": "PersonRegistered",
        "at": f"2026-11-25T08:{n:02d}:00Z",
        "actor": None,
        "person": f"crew-{n}",
        "name": f"Crew member {n}",
        "roles": ["crew"],
    }


def stored_entry(paths: list[str], index: int) -> bytes:
    app = build_app(paths[1], keyring=FileKeyring(Path(paths[3])))
    try:
        with app.store.read("dust-creek") as session:
            return session.entry(index).data
    finally:
        app.close()


# -- init, key, checkpoint -------------------------------------------------------------


def test_init_creates_a_production_and_a_private_key_only_its_owner_can_read(
    paths: list[str], tmp_path: Path
) -> None:
    """The key file is outside the database, mode 0600, and named after the key id."""
    out = invoke(paths, "init", "--production", "Dust Creek")
    assert "Created production Dust Creek (dust-creek)" in out
    assert "Origin: showclear.example/productions/dust-creek" in out
    (key_file,) = (tmp_path / "keys").glob("*.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith("PRIVATE+KEY+showclear.example/productions/dust-creek+")


def test_init_with_a_jurisdiction_takes_its_laws_defaults(paths: list[str], tmp_path: Path) -> None:
    """--jurisdiction US-CA is in the first entry, and the policy blocks CUS-SOLE-DUTY."""
    invoke(paths, "init", "--production", "Dust Creek", "--jurisdiction", "US-CA")
    app = build_app(paths[1], keyring=FileKeyring(tmp_path / "keys"))
    try:
        (first,) = app.entries("dust-creek", 0, 1)[1]
        assert first.event()["jurisdiction"] == "US-CA"
        policy = app.projection("dust-creek").policy()
        assert (policy.jurisdiction, policy.sole_duty) == ("US-CA", "block")
    finally:
        app.close()


def test_init_refuses_a_jurisdiction_that_is_no_code_before_making_a_key(
    paths: list[str], tmp_path: Path
) -> None:
    """A typo is a clear error, and no key file is left behind."""
    result = CliRunner().invoke(
        cli_app, [*paths, "init", "--production", "Dust Creek", "--jurisdiction", "Calif"]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "keys").exists() or not any((tmp_path / "keys").iterdir())


def test_key_prints_the_verifier_key_that_init_announced(paths: list[str]) -> None:
    """``showclear key`` is one line: name+keyid+base64, the same key init printed."""
    out = invoke(paths, "init", "--production", "Dust Creek")
    key = invoke(paths, "key").strip()
    assert f"Verifier key: {key}" in out
    verifier = Ed25519Verifier.from_verifier_key(key)
    assert verifier.name == "showclear.example/productions/dust-creek"


def test_init_with_an_origin_signs_checkpoints_under_that_origin(paths: list[str]) -> None:
    """--origin names the log in every checkpoint and in the key."""
    invoke(paths, "init", "--production", "Dust Creek", "--origin", "film.example/dust")
    assert invoke(paths, "checkpoint").startswith("film.example/dust\n1\n")
    assert invoke(paths, "key").startswith("film.example/dust+")


def test_checkpoint_prints_a_note_that_verifies_with_the_printed_key(ledger: list[str]) -> None:
    """The latest checkpoint opens with our verifier and with tlog-scales alike."""
    note, key = invoke(ledger, "checkpoint"), invoke(ledger, "key").strip()
    ours = open_checkpoint(note, Ed25519Verifier.from_verifier_key(key))
    theirs = ScalesCheckpoint.from_text(note)
    theirs.verify(Vkey.from_string(key))
    assert (ours.size, theirs.size) == (11, 11)
    assert ours.root == theirs.root_hash


# -- prove -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "size"), [(0, None), (3, None), (10, None), (3, 4), (8, 9), (0, 1)]
)
def test_prove_index_prints_a_tlog_proof_that_verifies(
    ledger: list[str], index: int, size: int | None
) -> None:
    """The tlog-proof of an entry checks against its checkpoint, here and in tlog-scales."""
    args = ["prove", "--index", str(index)] + ([] if size is None else ["--size", str(size)])
    proof = TlogProof.parse(invoke(ledger, *args))
    key = invoke(ledger, "key").strip()
    entry = stored_entry(ledger, index)
    checkpoint = verify_tlog_proof(proof, entry, Ed25519Verifier.from_verifier_key(key))
    assert (proof.index, checkpoint.size) == (index, size or 11)
    ScalesInclusion(index, checkpoint.size, proof.hashes).check(leaf_hash(entry), checkpoint.root)


def parse_consistency(text: str) -> tuple[int, bytes, int, bytes, list[bytes], str]:
    head, _, note = text.partition("\n\n")
    header, old, new, *hashes = head.split("\n")
    assert header == "showclear consistency-proof v1"
    old_size, old_root = old.removeprefix("old ").split(" ")
    new_size, new_root = new.removeprefix("new ").split(" ")
    b64 = base64.b64decode
    return (
        int(old_size),
        b64(old_root),
        int(new_size),
        b64(new_root),
        [b64(h) for h in hashes],
        note,
    )


@pytest.mark.parametrize(("old", "new"), [(1, None), (4, None), (4, 9), (9, 11), (11, None)])
def test_prove_from_prints_a_consistency_proof_between_two_checkpoints(
    ledger: list[str], old: int, new: int | None
) -> None:
    """The proof links the two signed roots, checked by our verifier and by tlog-scales."""
    args = ["prove", "--from", str(old)] + ([] if new is None else ["--size", str(new)])
    old_size, old_root, new_size, new_root, hashes, note = parse_consistency(invoke(ledger, *args))
    verifier = Ed25519Verifier.from_verifier_key(invoke(ledger, "key").strip())
    app = build_app(ledger[1], keyring=FileKeyring(Path(ledger[3])))
    try:
        old_checkpoint = open_checkpoint(app.checkpoint("dust-creek", old), verifier)
    finally:
        app.close()
    new_checkpoint = open_checkpoint(note, verifier)
    assert (old_size, new_size) == (old, new or 11)
    assert (old_checkpoint.root, new_checkpoint.root) == (old_root, new_root)
    verify_consistency(old_size, new_size, old_root, new_root, hashes)
    ScalesConsistency(old_size, new_size, hashes).check(old_root, new_root)


# -- verify -------------------------------------------------------------------------------


def test_verify_reports_ok_with_what_it_checked(paths: list[str], showclear: Run) -> None:
    """A fresh ledger verifies: exit 0 and a count of entries, nodes and checkpoints."""
    invoke(paths, "init", "--production", "Dust Creek")
    run = showclear(*paths, "verify")
    assert run.code == 0, run.err
    assert "OK: 1 entries, 0 tree nodes and 1 checkpoints verified" in run.out


# -- exit codes through main() ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["prove"], "Give exactly one of --index N or --from M"),
        (["prove", "--index", "1", "--from", "1"], "Give exactly one of --index N or --from M"),
        (["prove", "--index", "x"], "Invalid value for '--index'"),
        (["prove", "--index", "5"], "entry 5 is not in the checkpoint of size 1"),
        (["prove", "--index", "-1"], "entry -1 is not in the checkpoint of size 1"),
        (["prove", "--index", "0", "--size", "7"], "there is no checkpoint at size 7"),
        (["prove", "--from", "0"], "there is no checkpoint at size 0"),
        (["init"], "Missing option '--production'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_arguments_exit_2_with_a_message_saying_what_is_wrong(
    paths: list[str], showclear: Run, args: list[str], message: str
) -> None:
    """Usage errors exit 2 (ExitCode.USAGE) and name the problem on stderr."""
    invoke(paths, "init", "--production", "Dust Creek")
    run = showclear(*paths, *args)
    assert run.code == 2, run.err
    assert message in run.err_text


def test_an_unknown_production_exits_3_listing_the_ones_there_are(
    paths: list[str], showclear: Run
) -> None:
    """--production that names nothing here is NOT_FOUND (3)."""
    invoke(paths, "init", "--production", "Dust Creek")
    run = showclear(*paths, "--production", "nope", "key")
    assert run.code == 3
    assert "there is no production 'nope' here (productions: dust-creek)" in run.err_text


@pytest.mark.parametrize("command", ["key", "checkpoint", "verify"])
def test_a_database_without_a_production_exits_3_saying_how_to_make_one(
    paths: list[str], showclear: Run, command: str
) -> None:
    """A missing database is NOT_FOUND (3) with the init command to run, and is not created."""
    run = showclear(*paths, command)
    assert run.code == 3
    assert "showclear init --production NAME" in " ".join(run.err_text.split())
    if not paths[1].startswith("postgres"):
        assert not Path(paths[1]).exists()


def test_a_missing_private_key_exits_5_saying_where_the_key_should_be(
    paths: list[str], showclear: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appending from a machine without the key is UNAVAILABLE (5), naming the expected file."""
    invoke(paths, "init", "--production", "Dust Creek")
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("SHOWCLEAR_PIN_SAM", "4821")
    run = showclear(
        "--db", paths[1], "--key-dir", str(elsewhere),
        "person", "add", "sam", "--name", "Sam Lee", "--role", "producer",
    )  # fmt: skip
    assert run.code == 5, run.err
    # Rich wraps long paths anywhere, so compare without whitespace.
    compact = "".join(run.err.split())
    assert f"isnotat{elsewhere}/showclear.example_productions_dust-creek." in compact
    assert "--key-dir" in run.err_text


# -- the installed console script -------------------------------------------------------


def test_the_installed_showclear_script_runs_init_and_verify_with_real_exit_codes(
    paths: list[str],
) -> None:
    """One end-to-end run of the console script in its own process."""
    script = Path(sys.executable).with_name("showclear")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *paths, *args], check=False, capture_output=True, text=True, timeout=60
        )

    created = run("init", "--production", "Dust Creek")
    assert created.returncode == 0, created.stderr
    verified = run("verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("OK: 1 entries")
    missing = run("--production", "nope", "verify")
    assert missing.returncode == 3
    assert "there is no production 'nope'" in missing.stderr
