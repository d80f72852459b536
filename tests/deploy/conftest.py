"""Fixtures of other packages the deployment tests use: real witness processes."""

from tests.witnessing.conftest import witness_factory  # noqa: F401  (a fixture)
