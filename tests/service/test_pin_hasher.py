"""The PIN hasher port: argon2id at OWASP's parameters in production, a real check in tests.

The suite hands every in-process App a cheap argon2id (tests/conftest.py); the
production parameters are held here, once, where the hasher is built as a user's
``showclear`` builds it: in a process of its own.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from showclear.service import TRUSTED, App, AuthError
from showclear.service.auth import OWASP_ARGON2ID, Argon2idHasher
from showclear.store import ProductionInfo

#: OWASP Password Storage Cheat Sheet, argon2id's first option: 19 MiB, 2 passes, 1 lane.
OWASP_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"


def test_the_production_hasher_is_argon2id_at_owasps_minimum() -> None:
    h = OWASP_ARGON2ID
    assert (h.time_cost, h.memory_cost, h.parallelism) == (2, 19 * 1024, 1)
    stored = h.hash("3333")
    assert stored.startswith(OWASP_PREFIX)
    assert h.verify(stored, "3333")
    assert not h.verify(stored, "3334")


def test_a_showclear_process_stores_pins_with_the_production_hasher(tmp_path: Path) -> None:
    """Outside the test suite's cheap default, build_app hashes a set PIN at OWASP's cost."""
    program = textwrap.dedent(
        """
        import sys
        from showclear.service import TRUSTED, MemoryKeyring, build_app

        app = build_app(sys.argv[1], keyring=MemoryKeyring())
        slug = app.init_production("Dust Creek").slug
        person = {"type": "PersonRegistered", "actor": None, "person": "kim",
                  "name": "Kim Wu", "roles": ["crew"]}
        assert not app.submit(slug, person, TRUSTED).refused
        app.set_pin(slug, "kim", "7777")
        app.authenticate(slug, "kim", "7777")
        with app.store.read(slug) as session:
            print(session.credential("kim")[0])
        app.close()
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path / "showclear.db")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(OWASP_PREFIX), run.stdout


def test_the_cheap_test_hasher_still_refuses_a_wrong_pin(
    app: App, production: ProductionInfo
) -> None:
    """The suite's argon2id is cheap, not fake: a wrong PIN fails and is counted."""
    assert app.hasher != OWASP_ARGON2ID
    person = {"type": "PersonRegistered", "actor": None, "person": "kim", "name": "Kim Wu"}
    assert not app.submit(production.slug, {**person, "roles": ["crew"]}, TRUSTED).refused
    app.set_pin(production.slug, "kim", "7777")
    app.authenticate(production.slug, "kim", "7777")
    with pytest.raises(AuthError, match="wrong PIN for kim"):
        app.authenticate(production.slug, "kim", "7778")


def test_a_hash_of_other_parameters_verifies_and_asks_for_a_rehash() -> None:
    cheap = Argon2idHasher(time_cost=1, memory_cost=8, parallelism=1)
    stored = cheap.hash("1234")
    assert OWASP_ARGON2ID.verify(stored, "1234")
    assert OWASP_ARGON2ID.check_needs_rehash(stored)
    assert not cheap.check_needs_rehash(stored)
    assert not cheap.verify("not a hash", "1234")


def test_a_pin_hashed_with_other_parameters_is_rehashed_when_it_is_next_checked(
    app: App, production: ProductionInfo
) -> None:
    """A raised cost takes effect person by person, at their next correct PIN."""
    person = {"type": "PersonRegistered", "actor": None, "person": "kim", "name": "Kim Wu"}
    assert not app.submit(production.slug, {**person, "roles": ["crew"]}, TRUSTED).refused
    older = Argon2idHasher(time_cost=1, memory_cost=16, parallelism=1)
    with app.store.write(production.slug) as session:
        session.set_credential("kim", older.hash("7777"))
    app.authenticate(production.slug, "kim", "7777")
    with app.store.read(production.slug) as session:
        found = session.credential("kim")
    assert found is not None
    assert not app.hasher.check_needs_rehash(found[0])
    assert app.hasher.verify(found[0], "7777")
