"""Closing the day witnessed (issue 14 item 2): the quorum must have cosigned it first.

The witness is a real ``showclear witness serve`` process, or an address where nothing
answers (a witness offline, as on a set far from the studio).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.cli.conftest import Cli
from tests.witness.process import free_port
from tests.witnessing.conftest import WitnessProcess

from showclear.errors import ExitCode

Factory = Callable[[str], WitnessProcess]
CLOSE = ("close-day", "--count", "D-1=12", "--count", "B-1=12", "--as", "mo")


def _list(cli: Cli, witness: WitnessProcess) -> None:
    app = cli.app()
    try:
        witness.follow(app.verifier_key("dust-creek"))
    finally:
        app.close()
    cli.ok("witnesses", "add", witness.name, witness.url, witness.key, "--as", "sam")


def test_a_day_closed_before_the_witnesses_cosigned_it_is_recorded_with_a_warning(
    stocked: Cli, witness_factory: Factory
) -> None:
    """With the policy's default ("warn"), the close is recorded and says what to do."""
    insurer = witness_factory("insurer")
    _list(stocked, insurer)  # listed, never started: offline
    closed = stocked.main(*CLOSE)
    assert closed.code == 0, closed.text
    assert "the day closes unwitnessed" in closed.text
    assert "insurer" in closed.text
    assert "showclear witnesses push" in closed.text
    assert stocked.json("board")["day"]["open"] is False
    status = stocked.json("witnesses", "status")
    assert status["day_witnessed"] is False
    assert status["unwitnessed_close"] == status["witnesses"][0]["ledger_size"] - 1


def test_where_the_policy_blocks_an_unwitnessed_close_is_refused_and_nothing_recorded(
    stocked: Cli, witness_factory: Factory
) -> None:
    """unwitnessed_day_close = block: the close is refused as a conflict (exit 4 is for
    the safety rules), the day stays open, and the message names the remedy."""
    insurer = witness_factory("insurer")
    _list(stocked, insurer)
    stocked.ok("policy", "set", "unwitnessed_day_close=block", "--as", "sam")
    before = stocked.json("witnesses", "status")["witnesses"][0]["ledger_size"]
    refused = stocked.main(*CLOSE)
    assert refused.code == ExitCode.USAGE  # a conflict with the recorded state
    assert "the day closes unwitnessed" in refused.text
    assert "Nothing was recorded" in refused.text
    assert "start the witnesses" in refused.text
    assert stocked.json("board")["day"]["open"] is True
    assert stocked.json("witnesses", "status")["witnesses"][0]["ledger_size"] == before


def test_once_the_quorum_cosigned_the_day_closes_and_then_shows_witnessed(
    stocked: Cli, witness_factory: Factory
) -> None:
    """The witness up and pushed to: the close is allowed without a word; the day shows
    unwitnessed until the close itself is cosigned, then witnessed."""
    insurer = witness_factory("insurer")
    _list(stocked, insurer)
    stocked.ok("policy", "set", "unwitnessed_day_close=block", "--as", "sam")
    insurer.start()
    assert stocked.main("witnesses", "push").code == 0
    closed = stocked.main(*CLOSE)
    assert closed.code == 0, closed.text
    assert "unwitnessed" not in closed.text
    assert stocked.json("witnesses", "status")["day_witnessed"] is False
    assert stocked.main("witnesses", "push").code == 0
    status = stocked.json("witnesses", "status")
    assert status["day_witnessed"] is True
    assert status["witnesses"][0]["behind_entries"] == 0
    assert "Every closed day is witnessed" in stocked.main("witnesses", "status").text


def test_an_offline_witness_is_reported_by_push_but_is_no_error(stocked: Cli) -> None:
    """Offline is normal on a set: push says so and exits 0; status shows the lag."""
    from showclear.witness import init_witness

    cosigner = init_witness(stocked.keys.parent / "w", "insurer.example/witness")
    url = f"http://127.0.0.1:{free_port()}"
    stocked.ok("witnesses", "add", "insurer", url, cosigner.verifier_key, "--as", "sam")
    pushed = stocked.main("witnesses", "push")
    assert pushed.code == 0, pushed.text
    assert "insurer: unreachable" in pushed.text
    lag = stocked.json("witnesses", "status")["witnesses"][0]
    assert lag["cosigned_size"] == 0
    assert lag["behind_entries"] == lag["ledger_size"]
    assert lag["failures"] == 1
    assert lag["next_attempt"] is not None
