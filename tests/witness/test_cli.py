"""``showclear witness init | add-log | forks`` and the witness directory they keep."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import CliRun

from showclear.ledger.cosignature import CosignatureVerifier, Cosigner
from showclear.witness import (
    InconsistentCheckpoint,
    Witness,
    WitnessConfigError,
    WitnessDir,
    WitnessState,
    load_config,
)

from .testlog import TestLog

Run = Callable[..., CliRun]


def test_init_makes_a_private_key_and_prints_the_verifier_key(
    tmp_path: Path, showclear: Run
) -> None:
    """The key file is 0600 in a 0700 directory; the printed key verifies its cosignatures."""
    directory = tmp_path / "w"
    ran = showclear("witness", "init", "--dir", str(directory), "--name", "union.example/w")
    assert ran.code == 0, ran.err
    where = WitnessDir(directory)
    assert stat.S_IMODE(where.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    cosigner = Cosigner.from_private_key_string(where.key.read_text())
    assert cosigner.verifier_key in " ".join(ran.out.split())
    assert CosignatureVerifier(cosigner.verifier_key).name == "union.example/w"


def test_init_never_replaces_a_witness_key(tmp_path: Path, showclear: Run) -> None:
    """A second init in the same directory is refused and the key is unchanged."""
    directory = str(tmp_path / "w")
    assert showclear("witness", "init", "--dir", directory, "--name", "a.example/w").code == 0
    key = (tmp_path / "w" / "witness.key").read_text()
    ran = showclear("witness", "init", "--dir", directory, "--name", "b.example/w")
    assert ran.code == 5 and "already holds a witness" in ran.err_text
    assert (tmp_path / "w" / "witness.key").read_text() == key


def test_add_log_appends_the_key_and_keeps_the_file_as_it_was(
    tmp_path: Path, showclear: Run
) -> None:
    """add-log appends a [[log]] table: the config loads with that origin's key."""
    directory = tmp_path / "w"
    showclear("witness", "init", "--dir", str(directory), "--name", "bond.example/w")
    before = (directory / "witness.toml").read_text()
    log = TestLog()
    ran = showclear("witness", "add-log", "--dir", str(directory), log.vkey, "--note", "Dust")
    assert ran.code == 0, ran.err
    assert (directory / "witness.toml").read_text().startswith(before)
    (key,) = load_config(directory).logs[log.signer.name]
    assert key.verifier_key() == log.vkey
    again = showclear("witness", "add-log", "--dir", str(directory), log.vkey)
    assert again.code == 5 and "already follows" in again.err_text


def test_add_log_refuses_a_key_that_is_not_a_log_key(tmp_path: Path, showclear: Run) -> None:
    """A witness's own 0x04 key, or garbage, is not a production's log key."""
    directory = tmp_path / "w"
    showclear("witness", "init", "--dir", str(directory), "--name", "bond.example/w")
    witness_key = Cosigner.generate("x.example/w").verifier_key
    for bad in (witness_key, "not-a-key"):
        ran = showclear("witness", "add-log", "--dir", str(directory), bad)
        assert ran.code == 5, bad
        assert "showclear key" in ran.err_text


def test_a_witness_key_others_can_read_is_not_used(tmp_path: Path, showclear: Run) -> None:
    """chmod 600 is the remedy named; nothing is served with a leaked key."""
    directory = tmp_path / "w"
    showclear("witness", "init", "--dir", str(directory), "--name", "bond.example/w")
    (directory / "witness.key").chmod(0o644)
    with pytest.raises(WitnessConfigError, match="chmod 600"):
        Witness.open(directory)


def test_a_config_naming_another_witness_is_refused(tmp_path: Path, showclear: Run) -> None:
    """The config's name must be the key's: a copied config cannot pass for another."""
    directory = tmp_path / "w"
    showclear("witness", "init", "--dir", str(directory), "--name", "bond.example/w")
    config = directory / "witness.toml"
    config.write_text(config.read_text().replace("bond.example/w", "other.example/w"))
    with pytest.raises(WitnessConfigError, match="put back name"):
        load_config(directory)


def test_the_state_is_written_with_synchronous_full_in_wal_mode(tmp_path: Path) -> None:
    """Durability settings: WAL journal, and every commit fsynced (synchronous=FULL=2)."""
    state = WitnessState(tmp_path / "witness.db")
    with sqlite3.connect(state.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection = state._connect()
    try:
        assert connection.execute("PRAGMA synchronous").fetchone() == (2,)
    finally:
        connection.close()


def test_forks_prints_both_checkpoints_and_exits_1(
    tmp_path: Path, showclear: Run, witness: Witness, witness_dir: Path
) -> None:
    """After a refused fork, `witness forks` shows the held and the offered checkpoint."""
    assert showclear("witness", "forks", "--dir", str(witness_dir)).code == 0
    log = TestLog().grow(10)
    witness.add_checkpoint(log.request(0))
    forked = TestLog(salt="rewritten").grow(10)
    with pytest.raises(InconsistentCheckpoint, match="already signed another root"):
        witness.add_checkpoint(forked.request(10))
    ran = showclear("witness", "forks", "--dir", str(witness_dir))
    assert ran.code == 1
    assert "same-size-different-root" in ran.out
    assert log.note().split("\n\n")[0] in ran.out
    assert forked.note().split("\n\n")[0] in ran.out
