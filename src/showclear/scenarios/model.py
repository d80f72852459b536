"""What a scenario is once read: timed steps, each an event and the outcome it expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Expectation", "Scenario", "Step"]

Expected = Literal["allowed", "warned", "refused", "error"]


@dataclass(frozen=True)
class Expectation:
    """The outcome a step expects; ``rules`` None means any rules, ``error`` a message part."""

    outcome: Expected
    rules: frozenset[str] | None = None
    error: str | None = None

    def describe(self) -> str:
        if self.outcome == "error":
            return f"error ({self.error})" if self.error else "error"
        if self.rules is None:
            return self.outcome
        return f"{self.outcome} {sorted(self.rules)}"


@dataclass(frozen=True)
class Step:
    """One event to submit, where it was written, what it should come to, and its note."""

    line: int
    label: str
    event: dict[str, Any]
    expect: Expectation
    preamble: bool = False
    note: str = ""  # the step in plain words, as a narrator would tell it


@dataclass(frozen=True)
class Scenario:
    """A production, its setting-up entries and the day's timed steps, from one file."""

    path: str
    production: str
    created_at: str
    description: str
    steps: list[Step] = field(default_factory=list)
    date: str | None = None  # the day its times of day fall on, if the file names one
