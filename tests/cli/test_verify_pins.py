"""``showclear verify --key/--witness/--quorum`` on a database: what it says it checked.

Without a pinned key it says in words that authenticity was not checked; with the
production's key it says the ledger is authentic; with another key, or a witness
quorum nobody met, it exits 1 naming why; keys it cannot use exit 2.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from showclear.ledger import Ed25519Signer
from showclear.ledger.cosignature import Cosigner

if TYPE_CHECKING:
    from tests.conftest import CliRun

Run = Callable[..., "CliRun"]


@pytest.fixture
def production(showclear: Run, tmp_path: Path) -> tuple[list[str], str]:
    """A new production on SQLite, its global options and its verifier key."""
    paths = ["--db", str(tmp_path / "showclear.db"), "--key-dir", str(tmp_path / "keys")]
    assert showclear(*paths, "init", "--production", "Dust Creek").code == 0
    return paths, showclear(*paths, "key").out.strip()


def test_without_a_key_verify_says_authenticity_was_not_checked(
    showclear: Run, production: tuple[list[str], str]
) -> None:
    paths, _ = production
    run = showclear(*paths, "verify")
    assert run.code == 0, run.err
    words = " ".join(run.out.split())
    assert (
        "Not authenticated: The ledger is consistent, but it was not checked against a key" in words
    )
    assert "authenticity was NOT checked. Pass --key" in words


def test_with_the_production_key_verify_says_authentic(
    showclear: Run, production: tuple[list[str], str]
) -> None:
    paths, key = production
    run = showclear(*paths, "verify", "--key", key)
    assert run.code == 0, run.err
    assert "Authentic: signed with the production key you pinned." in run.out
    assert "NOT checked" not in run.out


def test_with_another_key_verify_fails(showclear: Run, production: tuple[list[str], str]) -> None:
    paths, key = production
    other = Ed25519Signer.generate("showclear.example/productions/dust-creek").verifier()
    run = showclear(*paths, "verify", "--key", other.verifier_key())
    assert run.code == 1
    compact = "".join(run.err.split())  # Rich wraps long keys anywhere
    assert f"FAILED:thisproduction'sledgerissignedwiththekey{key},not" in compact


def test_a_witness_quorum_not_met_fails_naming_the_witness(
    showclear: Run, production: tuple[list[str], str]
) -> None:
    paths, key = production
    insurer = Cosigner.generate("insurer.example/w")
    run = showclear(*paths, "verify", "--key", key, "--witness", insurer.verifier_key)
    assert run.code == 1
    assert "checkpoint 1 is cosigned by 0 of the witnesses you pinned" in run.err_text
    assert "not cosigned by: insurer.example/w" in run.err_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", "nonsense"], "verifier key must look like NAME+KEYID+BASE64"),
        (["--quorum", "1"], "a quorum needs the witness keys it counts: pass --witness"),
    ],
)
def test_keys_it_cannot_use_exit_2(
    showclear: Run, production: tuple[list[str], str], args: list[str], message: str
) -> None:
    paths, _ = production
    run = showclear(*paths, "verify", *args)
    assert run.code == 2
    assert message in run.err_text


def test_a_log_key_given_as_a_witness_key_is_refused(
    showclear: Run, production: tuple[list[str], str]
) -> None:
    """A production's key (type 0x01) is not a witness's cosigning key (type 0x04)."""
    paths, key = production
    run = showclear(*paths, "verify", "--witness", key)
    assert run.code == 2
    assert "is not an Ed25519 cosigner key" in run.err_text


def test_what_cannot_be_checked_is_printed(
    showclear: Run, production: tuple[list[str], str], tmp_path: Path
) -> None:
    """A second checkpoint without its link line: verify says deletions cannot be seen."""
    import sqlite3
    from contextlib import closing

    from showclear.service import FileKeyring, build_app

    paths, _ = production
    app = build_app(paths[1], keyring=FileKeyring(tmp_path / "keys"))
    app.append_unchecked(
        "dust-creek",
        [{"type": "StorageAdded", "at": "2026-11-25T08:00:00Z", "actor": None,
          "storage": "safe", "name": "Safe", "lockable": True}],
    )  # fmt: skip
    app.close()
    with closing(sqlite3.connect(paths[1], isolation_level=None)) as conn:
        for size, note in list(conn.execute("SELECT size, note FROM checkpoints")):
            head, _, lines = note.rpartition("\n\n")
            stripped = f"{head}\n\n{lines.split(chr(10))[0]}\n"
            conn.execute("UPDATE checkpoints SET note = ? WHERE size = ?", (stripped, size))
    run = showclear(*paths, "verify")
    assert run.code == 0, run.err
    words = " ".join(run.out.split())
    assert (
        "Not checkable: no checkpoint names the one signed before it: a deleted checkpoint "
        "cannot be seen"
    ) in words
