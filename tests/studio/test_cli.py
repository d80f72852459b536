"""The studio view from the command line: a producer's grant, studio accounts, the list."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli, register_cast

from showclear.service.studio import account_for_token, studio_view


def test_a_producer_grants_and_revokes_and_the_operator_lists_every_production(
    cli: Cli,
) -> None:
    """grant and revoke are entries by the producer (an armorer is refused, exit 6); the
    account's token prints once and works; studio list shows the production as JSON."""
    register_cast(cli)
    denied = cli.main("studio", "grant", "insurer", "--role", "insurer", "--as", "mo")
    assert denied.code == 6 and "only a producer may" in denied.text
    cli.ok(
        "studio", "grant", "insurer", "--role", "insurer", "--reason", "policy 44", "--as", "pat"
    )
    added = cli.ok("studio", "account", "add", "insurer")
    token = added.stdout.strip().splitlines()[-1]
    app = cli.app()
    try:
        assert account_for_token(app, token) == "insurer"
        assert [row.slug for row in studio_view(app, "insurer").rows] == ["dust-creek"]
        cli.ok("studio", "revoke", "insurer", "--as", "pat")
        assert studio_view(app, "insurer").rows == []
    finally:
        app.close()
    listed = json.loads(cli.ok("studio", "list", "--format", "json").stdout)
    assert listed["account"] is None
    assert [row["slug"] for row in listed["productions"]] == ["dust-creek"]
    assert listed["productions"][0]["role"] == "operator"
    assert (
        json.loads(cli.ok("studio", "list", "--status", "fork", "--format", "json").stdout)[
            "productions"
        ]
        == []
    )
    table = cli.ok("studio", "list")
    assert "Dust Creek" in table.stdout
    assert "insurer" in cli.ok("studio", "account", "list").stdout
    cli.ok("studio", "account", "remove", "insurer")
    gone = cli.main("studio", "account", "remove", "insurer")
    assert gone.code != 0 and "no studio account 'insurer'" in gone.text
