"""showclear: prop weapons and ammunition under a safety protocol, in a verifiable ledger.

The public entry points, importable from here; each is defined in the module its
``__module__`` names, and the rest of the package is reached through those modules:

- the application: :class:`App`, built by :func:`build_app` (``showclear.service``);
- the error root: :class:`ShowclearError` and its :class:`ErrorKind`
  (``showclear.errors``);
- the pure protocol: :func:`decide` a proposed event against a :class:`Projection`,
  :func:`apply` an event to it, :func:`fold` a ledger into one (``showclear.protocol``);
- the ledger's verifiers: :func:`verify_inclusion`, :func:`verify_consistency`,
  :func:`open_checkpoint`, :func:`verify_tlog_proof` and :class:`LogVerifier`
  (``showclear.ledger``), and :func:`verify_bundle` for an export bundle
  (``showclear.bundle``).

Each is imported on first use (PEP 562), so that ``import showclear.ledger`` loads no
service, store or web code and ``showclear --help`` stays fast.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from showclear.bundle import verify_bundle
    from showclear.errors import ErrorKind, ShowclearError
    from showclear.ledger import (
        LogVerifier,
        open_checkpoint,
        verify_consistency,
        verify_inclusion,
        verify_tlog_proof,
    )
    from showclear.protocol import Projection, apply, decide, fold
    from showclear.service import App, build_app

__version__ = "0.1.0"

#: Each exported name and the public module it is imported from.
_EXPORTS = {
    "App": "showclear.service",
    "ErrorKind": "showclear.errors",
    "LogVerifier": "showclear.ledger",
    "Projection": "showclear.protocol",
    "ShowclearError": "showclear.errors",
    "apply": "showclear.protocol",
    "build_app": "showclear.service",
    "decide": "showclear.protocol",
    "fold": "showclear.protocol",
    "open_checkpoint": "showclear.ledger",
    "verify_bundle": "showclear.bundle",
    "verify_consistency": "showclear.ledger",
    "verify_inclusion": "showclear.ledger",
    "verify_tlog_proof": "showclear.ledger",
}

__all__ = [
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


def __getattr__(name: str) -> _Any:
    """Import an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'showclear' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
