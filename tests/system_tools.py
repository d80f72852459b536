"""The system programs some tests use as independent readers (poppler-utils, OpenSSL, coreutils).

A test that needs a program asks :func:`need_program` for it. Where the program is
missing, that test is skipped, naming the program and its package; it never runs on
checking less. In CI (``CI=true``), where ``.ci/run`` installs every one of them, a
missing program fails the test instead, so that a CI run cannot pass without it.
"""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["in_ci", "need_program"]


def in_ci() -> bool:
    """Whether this is a CI run (``CI`` set to true, 1 or yes), where nothing may be skipped."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def need_program(name: str, package: str, why: str) -> str:
    """The path of the program ``name``; else skip the test (fail it in CI), saying ``why``.

    ``package`` is the Debian package that provides it, for the message.
    """
    path = shutil.which(name)
    if path is not None:
        return path
    reason = f"{name} is not installed ({package}): it is needed to {why}"
    if in_ci():
        pytest.fail(f"{reason}; .ci/run installs it, and CI=true must run every test")
    pytest.skip(f"{reason}; install it with: apt-get install {package}")
