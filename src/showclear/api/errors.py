"""Errors of the HTTP API itself; everything else comes from the service layer.

The tree::

    ApiError            root of the API's own errors
    └── Refused         a safety rule refused the command; the refusal is in the ledger

Service, protocol, ledger and store errors are turned into problem responses by
:mod:`showclear.api.problems`.
"""

from showclear.service.commands import Receipt

__all__ = ["ApiError", "Refused"]


class ApiError(Exception):
    """Root of the API's own errors."""


class Refused(ApiError):
    """A command the protocol refused: answered 409 with the rules, though it was recorded."""

    def __init__(self, outcome: Receipt) -> None:
        super().__init__(f"refused by {', '.join(dict.fromkeys(outcome.rule_ids))}")
        self.outcome = outcome
