"""``showclear serve`` runs the API over the database given, on the address given."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from showclear.cli import app as cli

if TYPE_CHECKING:
    from tests.conftest import Backend


def test_serve_runs_uvicorn_with_the_api_over_the_database(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The served application is showclear's API over --db, on --host and --port."""
    db = backend.url
    keys = tmp_path / "keys"
    runner = CliRunner()
    init = ["--db", str(db), "--key-dir", str(keys), "init", "--production", "Dust Creek"]
    assert runner.invoke(cli, init).exit_code == 0
    served: dict[str, Any] = {}

    def run(api: FastAPI, **options: Any) -> None:
        # Look while serving: the command closes the database when uvicorn returns.
        name = api.state.showclear.production("dust-creek").name
        served.update(api=api, production=name, **options)

    monkeypatch.setattr(uvicorn, "run", run)
    result = runner.invoke(
        cli, ["--key-dir", str(keys), "serve", "--db", str(db), "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert isinstance(served["api"], FastAPI)
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["production"] == "Dust Creek"
