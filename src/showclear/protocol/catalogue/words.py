"""Plain words for ledger entries: what a person on set, an insurer or an investigator reads.

People are named by their registered names when known, else by id; weapons, lots and
setups by id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Words", "chambers", "chambers_text", "document", "numbers_text", "rounds"]


def numbers_text(numbers: list[int]) -> str:
    """Chamber numbers as runs: ``[1, 2, 3, 5]`` -> ``"1-3, 5"`` (with an en dash)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def chambers_text(contents: list[str]) -> str:
    """Each chamber's content, grouped: ``"1 blk-45, 2-6 empty"``; ``"no chambers"`` if none."""
    if not contents:
        return "no chambers"
    groups: list[tuple[str, list[int]]] = []
    for number, content in enumerate(contents, start=1):
        if groups and groups[-1][0] == content and groups[-1][1][-1] == number - 1:
            groups[-1][1].append(number)
        else:
            groups.append((content, [number]))
    return ", ".join(f"{numbers_text(numbers)} {content}" for content, numbers in groups)


def chambers(numbers: list[int]) -> str:
    """``"chamber 2"`` or ``"chambers 1-3"``."""
    return f"chamber{'s' if len(numbers) > 1 else ''} {numbers_text(numbers)}"


def rounds(count: int) -> str:
    """``"1 round"`` or ``"6 rounds"``."""
    return f"{count} round" if count == 1 else f"{count} rounds"


def document(event: Mapping[str, Any]) -> str:
    """``" with document 3a7bd3e2360a"`` (the first 12 hex digits of its SHA-256), or ``""``."""
    sha = event.get("document_sha256")
    return f" with document {sha[:12]}" if sha else ""


@dataclass(frozen=True)
class Words:
    """What a description may know beyond the entry itself.

    ``names`` maps person ids to names; ``before`` is the weapon's chambers just before
    the entry (to say which round a shot or an unload concerned); ``again`` describes
    another event (a refusal describes what was attempted).
    """

    again: Callable[[Mapping[str, Any]], str]
    names: Mapping[str, str] = field(default_factory=dict)
    before: list[str] | None = None

    def who(self, person: object) -> str:
        """A person's name, their id if unknown, or "showclear" for no one."""
        return self.names.get(str(person), str(person)) if person else "showclear"
