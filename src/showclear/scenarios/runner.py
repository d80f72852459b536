"""Replaying a scenario: submit each step, compare its outcome with what the file expects.

``run_scenario`` does no I/O of its own: the caller passes ``submit``, which decides an
event and records the decision (the service passes one that appends to a real ledger;
:class:`~showclear.scenarios.memory.InMemoryProduction` keeps it all in memory).
``replay_steps`` is the same replay, one step at a time, for a caller that tells the
day as it goes (``showclear demo``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from showclear.protocol import Finding, ProtocolError, Severity
from showclear.scenarios.model import Expectation, Scenario, Step

__all__ = ["Decided", "ScenarioResult", "StepResult", "Submit", "replay_steps", "run_scenario"]


class Decided(Protocol):
    """What a submit returns: a protocol ``Decision`` or the service's ``Receipt``."""

    @property
    def outcome(self) -> str: ...
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def events(self) -> Sequence[dict[str, Any]]: ...
    @property
    def rule_ids(self) -> list[str]: ...


Submit = Callable[[dict[str, Any]], Decided]


@dataclass(frozen=True)
class StepResult:
    """One step: what it expected, what happened, and whether the two match.

    ``findings`` are every finding of the decision, each with its remedy (none for an
    input error, whose message is in ``messages``).
    """

    step: Step
    outcome: str
    rules: tuple[str, ...]
    messages: tuple[str, ...]
    matched: bool
    findings: tuple[Finding, ...] = ()

    def describe(self) -> str:
        """One line: the step, the actual outcome, and the expectation if it differs."""
        actual = self.outcome + (f" {list(self.rules)}" if self.rules else "")
        status = "ok  " if self.matched else "FAIL"
        at, label = self.step.event["at"], self.step.label
        line = f"{status} line {self.step.line:>4}  {at}  {label}: {actual}"
        if not self.matched:
            line += f" (expected {self.step.expect.describe()})"
            line += "".join(f"\n        {m}" for m in self.messages)
        return line


@dataclass(frozen=True)
class ScenarioResult:
    """Every step's result, in order."""

    scenario: Scenario
    steps: list[StepResult]

    @property
    def passed(self) -> bool:
        return all(step.matched for step in self.steps)

    @property
    def mismatches(self) -> list[StepResult]:
        return [step for step in self.steps if not step.matched]

    @property
    def refusals(self) -> int:
        return sum(1 for step in self.steps if step.outcome == "refused")

    def report(self) -> str:
        """A plain-text account of the run, one line per step."""
        head = f"{self.scenario.path}: {self.scenario.production}"
        verdict = "passed" if self.passed else f"{len(self.mismatches)} step(s) differ"
        return "\n".join([head, *(s.describe() for s in self.steps), verdict])


def run_scenario(scenario: Scenario, submit: Submit) -> ScenarioResult:
    """Submit every step of ``scenario`` in order and compare each outcome with its expectation.

    An input error (ProtocolError) from ``submit`` is a step outcome ("error"), not a crash.
    """
    return ScenarioResult(scenario, list(replay_steps(scenario, submit)))


def replay_steps(scenario: Scenario, submit: Submit) -> Iterator[StepResult]:
    """Submit each step of ``scenario`` in order, yielding its result as soon as it is decided.

    An input error (ProtocolError) from ``submit`` is a step outcome ("error"), not a crash.
    """
    for step in scenario.steps:
        try:
            decision = submit(dict(step.event))
        except ProtocolError as error:
            yield _result(step, "error", (), (str(error),))
            continue
        if decision.outcome == "refused":
            refused = [e for e in decision.events if e["type"] == "AttemptRefused"]
            rules = tuple(refused[-1]["rules"]) if refused else ()
            messages = tuple(f.message for f in decision.findings if f.severity == Severity.BLOCK)
        else:
            rules = tuple(decision.rule_ids)
            messages = tuple(f.message for f in decision.findings)
        yield _result(step, decision.outcome, rules, messages, tuple(decision.findings))


def _result(
    step: Step,
    outcome: str,
    rules: tuple[str, ...],
    messages: tuple[str, ...],
    findings: tuple[Finding, ...] = (),
) -> StepResult:
    matched = _matches(step.expect, outcome, rules, messages)
    return StepResult(step, outcome, rules, messages, matched, findings)


def _matches(
    expect: Expectation, outcome: str, rules: tuple[str, ...], messages: tuple[str, ...]
) -> bool:
    if expect.outcome != outcome:
        return False
    if expect.outcome == "error":
        return expect.error is None or any(expect.error in m for m in messages)
    return expect.rules is None or expect.rules == frozenset(rules)
