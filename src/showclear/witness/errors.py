"""Errors of the witness (``showclear witness``), each tied to the status C2SP tlog-witness gives.

The tree, under :class:`showclear.errors.ShowclearError`::

    WitnessError                  anything the witness refuses or cannot do
    ├── WitnessConfigError        the witness directory, key or config is missing or bad
    ├── MalformedSubmission       an add-checkpoint body not shaped as the spec says (400)
    ├── UnknownLog                a checkpoint of an origin this witness does not follow (404)
    ├── LogSignatureInvalid       no valid signature by a followed log key (403)
    ├── SizeConflict              ``old`` is not the size the witness holds (409)
    ├── InconsistentCheckpoint    not consistent with the checkpoint the witness holds (422)
    └── WitnessUnreachable        (the monitor) a server or witness that did not answer

The HTTP status of each refusal is the spec's (:data:`showclear.witness.app.STATUS`), not
the kind's: tlog-witness clients read the status, and 422 is not ``verification-failed``'s.
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = [
    "InconsistentCheckpoint",
    "LogSignatureInvalid",
    "MalformedSubmission",
    "SizeConflict",
    "UnknownLog",
    "WitnessConfigError",
    "WitnessError",
    "WitnessUnreachable",
]


class WitnessError(ShowclearError):
    """Root of every error the witness raises."""


class WitnessConfigError(WitnessError):
    """The witness directory, its key or its config file is missing or malformed."""

    kind = ErrorKind.UNAVAILABLE


class MalformedSubmission(WitnessError, ValueError):
    """An add-checkpoint request body does not follow C2SP tlog-witness."""

    kind = ErrorKind.BAD_REQUEST


class UnknownLog(WitnessError, LookupError):
    """The checkpoint's origin is not a log this witness follows."""

    kind = ErrorKind.NOT_FOUND


class LogSignatureInvalid(WitnessError):
    """No followed key of the origin signed the checkpoint, or its signature does not verify."""

    kind = ErrorKind.FORBIDDEN


class SizeConflict(WitnessError):
    """The request's old size is not the size of the checkpoint the witness holds."""

    kind = ErrorKind.CONFLICT

    def __init__(self, held_size: int) -> None:
        super().__init__(
            f"the witness holds a checkpoint of size {held_size}: send old {held_size} "
            "with a consistency proof from that size"
        )
        self.held_size = held_size


class InconsistentCheckpoint(WitnessError):
    """The checkpoint does not extend the one the witness holds (or has a wrong empty root)."""

    kind = ErrorKind.VERIFICATION_FAILED


class WitnessUnreachable(WitnessError):
    """A production server or a witness could not be reached or gave an unusable answer."""

    kind = ErrorKind.UNAVAILABLE
