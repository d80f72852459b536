"""The names ``showclear`` exports are a stated, small list, each from a public module.

As encode/httpx's tests/test_exported_members.py: a name added to or dropped from the
package's surface must be added to or dropped from this test too.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types

import pytest

import showclear

EXPORTED = [
    "App",
    "ErrorKind",
    "LogVerifier",
    "Projection",
    "ShowclearError",
    "__version__",
    "apply",
    "build_app",
    "decide",
    "fold",
    "open_checkpoint",
    "verify_bundle",
    "verify_consistency",
    "verify_inclusion",
    "verify_tlog_proof",
]
OBJECTS = [name for name in EXPORTED if name != "__version__"]


def test_the_exported_names_are_exactly_the_stated_list() -> None:
    """``showclear.__all__`` is this list, nothing more or less."""
    assert showclear.__all__ == EXPORTED


@pytest.mark.parametrize("name", OBJECTS)
def test_each_exported_name_is_defined_in_a_public_module(name: str) -> None:
    """Its ``__module__`` is a showclear module with no private part in its path."""
    value = getattr(showclear, name)
    module = value.__module__
    assert module.startswith("showclear."), module
    assert not any(part.startswith("_") for part in module.split(".")), module
    assert getattr(importlib.import_module(module), name) is value


def test_every_public_name_of_the_package_is_exported() -> None:
    """Once all are loaded, the package holds no other public name than its subpackages."""
    for name in OBJECTS:
        getattr(showclear, name)
    public = {
        name
        for name, value in vars(showclear).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(OBJECTS)
    assert set(dir(showclear)) >= set(EXPORTED)


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name that is not exported is not guessed at."""
    with pytest.raises(AttributeError, match="has no attribute 'Outcome'"):
        _ = showclear.Outcome  # type: ignore[attr-defined]


def test_the_pure_cores_load_without_the_service() -> None:
    """Exports load on first use: importing the ledger and the protocol pulls in no I/O code."""
    code = (
        "import sys, showclear, showclear.ledger, showclear.protocol; "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
        "(['showclear', 'service'], ['showclear', 'store'], ['showclear', 'api'], "
        "['showclear', 'web'], ['showclear', 'cli'])))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert run.stdout.strip() == "[]"
