"""Errors of the HTTP API itself; everything else comes from the service layer.

The tree, under :class:`showclear.errors.ShowclearError`, with each class's kind
(docs/errors.md)::

    ApiError            root of the API's own errors                          internal

:class:`Refused` (kind refused: a safety rule refused the command; the refusal is in
the ledger) is :class:`showclear.http.Refused`, shared with the web UI, and re-exported here.

Every showclear error is turned into a problem response by :mod:`showclear.api.problems`
according to its kind.
"""

from showclear.errors import ShowclearError
from showclear.http import Refused

__all__ = ["ApiError", "Refused"]


class ApiError(ShowclearError):
    """Root of the API's own errors."""
