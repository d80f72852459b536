"""The root of every showclear error, and the one table that says how each kind is shown.

Every exception showclear raises derives from :class:`ShowclearError` and has a
:class:`ErrorKind`. The kind, not the class, decides the CLI's exit code, the HTTP API's
problem type and status (RFC 9457) and the web page's title, through :data:`KINDS`:
the CLI, the API and the web read that one table, so they cannot disagree.
docs/errors.md lists it for people, and a test holds the two equal.

A class states its kind; a subclass keeps its parent's kind unless it states its own.
This module imports nothing from showclear, so that even the pure cores
(``ledger``, ``protocol``) hang their trees off it.

The whole tree, each class with its kind::

    ShowclearError                        internal           root; a class that forgets its kind
    ├── LedgerError                       verification-failed  (showclear.ledger)
    │   ├── EncodingError (ValueError)    invalid-event      an event that cannot become an entry
    │   ├── ProofError                    verification-failed  a proof that does not hold
    │   ├── CheckpointError (ValueError)  verification-failed  not a C2SP tlog-checkpoint
    │   ├── NoteError (ValueError)        verification-failed  a malformed or unknown signed note
    │   │   ├── SignatureError            verification-failed  a signature that does not verify
    │   │   └── CosignatureError          verification-failed  a witness cosignature missing or bad
    │   ├── TlogProofError (ValueError)   verification-failed  a malformed tlog-proof text
    │   └── VerificationError             verification-failed  stored log data that disagrees
    ├── ProtocolError                     invalid-event      (showclear.protocol)
    │   ├── MalformedEventError           invalid-event      an event not shaped as its type
    │   │   └── InvalidCommand            invalid-event      (showclear.commands) bad arguments
    │   ├── UnknownReferenceError         unknown-reference  names something never recorded
    │   │   └── UnknownValue              unknown-reference  (showclear.commands) e.g. no such rule
    │   ├── TimeOrderError                conflict           earlier than the last entry
    │   ├── InconsistentEventError        conflict           impossible in the recorded state
    │   ├── PolicyError                   invalid-event      a malformed policy or change
    │   └── RuleSetError                  internal           an empty or doubled rule set
    ├── CatalogueError                    internal           (showclear.protocol.catalogue) a
    │                                                        declaration incomplete or inconsistent
    ├── StoreError                        unavailable        (showclear.store)
    │   ├── DatabaseNotFound (LookupError)     not-found     no database at that path
    │   ├── ProductionNotFound (LookupError)   not-found     no production with that slug
    │   ├── ProductionExists              unavailable        the slug or origin is taken
    │   ├── SchemaError                   unavailable        a schema unknown or too new
    │   ├── DatabaseDamaged               damaged            a damaged page or record; no more
    │   │                                                    writes until it is repaired
    │   └── StoreUnavailable              unavailable        cannot open, or locked too long
    │       └── WritersBusy               unavailable        writers queued too long to wait
    │       └── DiskFull                  unavailable        the disk is full; nothing recorded
    ├── ServiceError                      internal           (showclear.service)
    │   ├── KeyFileError                  unavailable        the private key is missing or unsafe
    │   ├── WitnessesBehind               conflict           (service.witnessing) a day closing
    │   │                                                    before its witnesses cosigned it
    │   ├── WitnessOffline                unavailable        a witness did not answer
    │   ├── RolledBack                    damaged            (service.ledger) the database lost
    │   │                                                    entries the key signed
    │   ├── MirrorReadOnly                conflict           (service.mirrors) a command sent to
    │   │                                                    a mirror; names where it is written
    │   ├── MirrorGap                     conflict           a sync batch past the size held
    │   ├── MirrorFork                    conflict           a sync batch that does not extend
    │   │                                                    what is held; kept as evidence
    │   ├── MirrorBatchInvalid            bad-request        unsigned, malformed, or not events
    │   ├── MirrorBehind                  unavailable        a checkpoint to cosign past what the
    │   │                                                    mirror holds (synced later)
    │   ├── SyncFailed                    unavailable        (service.sync) the studio did not
    │   │                                                    answer, or refused the batch
    │   ├── PromoteRefused                conflict           (service.promote) the mirror is not
    │   │                                                    shown to hold all the old writer wrote
    │   ├── AuthError                     unauthenticated    a wrong or missing PIN or token
    │   │   └── LockedOut                 locked-out         too many wrong PINs in a row
    │   │       ├── TriesBusy             locked-out         every try is being checked at once
    │   │       └── TooManyAttempts       rate-limited       a device tried to sign in too often
    │   ├── Forbidden                     forbidden          the roles do not allow it
    │   ├── NotFound (LookupError)        not-found          an unknown production, entry, ...
    │   ├── BadRequest (ValueError)       bad-request        arguments that make no sense
    │   │   └── RowError                  bad-request        (showclear.cli.bulk) a CSV cell
    │   └── DocumentError                 internal           (showclear.service.documents)
    │       ├── DocumentTooLarge          bad-request        over the size limit
    │       ├── DocumentNotStored (LookupError)  not-found   no document by that SHA-256
    │       ├── UnknownDocument           unknown-reference  a command names one not stored
    │       ├── DocumentChanged           verification-failed  its bytes no longer match
    │       └── DocumentsUnavailable      unavailable        no directory for documents
    ├── VerifyFailed                      verification-failed  (showclear.service.verify)
    ├── ScenarioError                     bad-request        (showclear.scenarios) file:line
    ├── TlsError                          unavailable        (showclear.tls) certificate files
    │   │                                                    missing, unreadable or unsafe
    │   ├── AuthorityExists               conflict           a set authority is already there
    │   └── BadName (ValueError)          bad-request        a name a certificate cannot hold
    ├── ApiError                          internal           (showclear.api)
    ├── RequestTooLarge                   too-large          (showclear.limits) a request
    │                                                        body over its limit, unread
    ├── TooManyCommands                   rate-limited       (showclear.limits) a person's
    │                                                        commands over the minute's limit
    ├── WitnessError                      internal           (showclear.witness) a C2SP witness
    │   ├── WitnessConfigError            unavailable        its directory, key or config is bad
    │   ├── MalformedSubmission (ValueError)  bad-request    add-checkpoint not in the spec's shape
    │   ├── UnknownLog (LookupError)      not-found          an origin the witness does not follow
    │   ├── LogSignatureInvalid           forbidden          no valid signature by a followed key
    │   ├── SizeConflict                  conflict           old is not the size the witness holds
    │   ├── InconsistentCheckpoint        verification-failed  does not extend what it holds
    │   └── WitnessUnreachable            unavailable        (the monitor) no usable answer
    └── Refused                           refused            (the HTTP edge) a safety rule
                                                             refused; the attempt is recorded

(``showclear.bundle.verify`` has a private ``_Failed``, verification-failed, that it turns
into a report and never lets out.) Two kinds have no class: ``invalid-request`` is a
request that does not match the API's schema (pydantic's errors, Typer's usage errors),
and ``refused`` is more often a result than an exception: the CLI prints the refusal and
exits with its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from http import HTTPStatus
from types import MappingProxyType
from typing import ClassVar, Final

__all__ = [
    "KINDS",
    "ErrorKind",
    "ExitCode",
    "Presentation",
    "ShowclearError",
    "presentation",
]


class ErrorKind(StrEnum):
    """What went wrong, in the words of the API's problem types (``/problems/<kind>``)."""

    BAD_REQUEST = "bad-request"
    INVALID_REQUEST = "invalid-request"
    TOO_LARGE = "too-large"
    UNAUTHENTICATED = "unauthenticated"
    LOCKED_OUT = "locked-out"
    RATE_LIMITED = "rate-limited"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    UNKNOWN_REFERENCE = "unknown-reference"
    CONFLICT = "conflict"
    INVALID_EVENT = "invalid-event"
    REFUSED = "refused"
    VERIFICATION_FAILED = "verification-failed"
    UNAVAILABLE = "unavailable"
    DAMAGED = "damaged"
    INTERNAL = "internal"


class ExitCode(IntEnum):
    """The process exit codes of the ``showclear`` command (docs/cli.md, docs/errors.md)."""

    OK = 0
    FAILED = 1  # a verification or a scenario did not hold; showclear itself failed
    USAGE = 2  # bad arguments (also Typer's own usage errors)
    NOT_FOUND = 3  # an unknown production, person, weapon, lot, entry or checkpoint
    REFUSED = 4  # a safety rule refused the command
    UNAVAILABLE = 5  # the database or the production's key cannot be used
    AUTH = 6  # a PIN was wrong or missing, the person is locked out, the device tried too
    # often, or their role may not


@dataclass(frozen=True, slots=True)
class Presentation:
    """How one kind of error is shown: exit code, HTTP status and titles."""

    exit_code: ExitCode
    status: int  # the HTTP status of the API's problem and of the web's page
    title: str  # the problem's title in the API
    page_title: str  # the error page's title in the web UI, in a person's words


def _shown(exit_code: ExitCode, status: HTTPStatus, title: str, page: str = "") -> Presentation:
    return Presentation(exit_code, int(status), title, page or title)


_CHECK_FORM: Final = "Not recorded: check the form"

#: The one table: every kind, how the CLI, the API and the web show it (docs/errors.md).
KINDS: Final = MappingProxyType(
    {
        ErrorKind.BAD_REQUEST: _shown(
            ExitCode.USAGE, HTTPStatus.BAD_REQUEST, "Bad request", _CHECK_FORM
        ),
        ErrorKind.INVALID_REQUEST: _shown(
            ExitCode.USAGE, HTTPStatus.UNPROCESSABLE_ENTITY, "Invalid request", _CHECK_FORM
        ),
        ErrorKind.TOO_LARGE: _shown(
            ExitCode.USAGE,
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "Request too large",
            "Not recorded: the form was too large",
        ),
        ErrorKind.UNAUTHENTICATED: _shown(
            ExitCode.AUTH,
            HTTPStatus.UNAUTHORIZED,
            "Not signed in",
            "Not recorded: a PIN did not match",
        ),
        ErrorKind.LOCKED_OUT: _shown(ExitCode.AUTH, HTTPStatus.LOCKED, "Locked out"),
        ErrorKind.RATE_LIMITED: _shown(
            ExitCode.AUTH,
            HTTPStatus.TOO_MANY_REQUESTS,
            "Too many requests",
            "Not signed in: this device tried too often, wait",
        ),
        ErrorKind.FORBIDDEN: _shown(ExitCode.AUTH, HTTPStatus.FORBIDDEN, "Not allowed"),
        ErrorKind.NOT_FOUND: _shown(ExitCode.NOT_FOUND, HTTPStatus.NOT_FOUND, "Not found"),
        ErrorKind.UNKNOWN_REFERENCE: _shown(
            ExitCode.NOT_FOUND,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "Unknown reference",
            "Not recorded: unknown name",
        ),
        ErrorKind.CONFLICT: _shown(
            ExitCode.USAGE,
            HTTPStatus.CONFLICT,
            "Conflicts with the recorded state",
            "Not recorded: not possible now",
        ),
        ErrorKind.INVALID_EVENT: _shown(
            ExitCode.USAGE, HTTPStatus.UNPROCESSABLE_ENTITY, "Not a valid event", _CHECK_FORM
        ),
        ErrorKind.REFUSED: _shown(
            ExitCode.REFUSED, HTTPStatus.CONFLICT, "Refused by the safety protocol"
        ),
        ErrorKind.VERIFICATION_FAILED: _shown(
            ExitCode.FAILED,
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "Does not verify",
            "The ledger does not verify",
        ),
        ErrorKind.UNAVAILABLE: _shown(
            ExitCode.UNAVAILABLE,
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Unavailable",
            "showclear cannot do this now",
        ),
        ErrorKind.DAMAGED: _shown(
            ExitCode.UNAVAILABLE,
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Damaged: repair needed",
            "Not recorded: the database needs repair",
        ),
        ErrorKind.INTERNAL: _shown(
            ExitCode.FAILED,
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "Internal error",
            "showclear could not do this",
        ),
    }
)


class ShowclearError(Exception):
    """Root of every showclear error; ``kind`` decides how it is shown (:data:`KINDS`)."""

    kind: ClassVar[ErrorKind] = ErrorKind.INTERNAL


def presentation(error: BaseException) -> Presentation:
    """How ``error`` is shown: its kind's row, or ``internal``'s for any other exception."""
    kind = error.kind if isinstance(error, ShowclearError) else ErrorKind.INTERNAL
    return KINDS[kind]
