"""A C2SP transparency-log witness (``showclear witness``), and a monitor for split views.

A witness is run by someone other than the production (the studio's safety office, the
insurer, the union, the completion bond company). It follows the production's log key,
keeps the latest checkpoint it has cosigned, and cosigns a new one only if it extends that
one (https://c2sp.org/tlog-witness, https://c2sp.org/tlog-cosignature). docs/witness.md.

Layered beside :mod:`showclear.server`: it imports the ledger core and the error root only,
and keeps its own state (one SQLite file), not the production's store.
"""

from showclear.witness.app import SIZE_CONTENT_TYPE, STATUS, create_witness_app
from showclear.witness.config import (
    WitnessConfig,
    WitnessDir,
    add_log,
    init_witness,
    load_config,
)
from showclear.witness.core import (
    FORK_INCONSISTENT,
    FORK_SAME_SIZE,
    MAX_PROOF_LINES,
    Submission,
    Witness,
    origin_hash,
    parse_submission,
)
from showclear.witness.errors import (
    InconsistentCheckpoint,
    LogSignatureInvalid,
    MalformedSubmission,
    SizeConflict,
    UnknownLog,
    WitnessConfigError,
    WitnessError,
    WitnessUnreachable,
)
from showclear.witness.monitor import MonitorReport, View, check_split_view, http_fetch
from showclear.witness.state import Fork, Held, WitnessState

__all__ = [
    "FORK_INCONSISTENT",
    "FORK_SAME_SIZE",
    "MAX_PROOF_LINES",
    "SIZE_CONTENT_TYPE",
    "STATUS",
    "Fork",
    "Held",
    "InconsistentCheckpoint",
    "LogSignatureInvalid",
    "MalformedSubmission",
    "MonitorReport",
    "SizeConflict",
    "Submission",
    "UnknownLog",
    "View",
    "Witness",
    "WitnessConfig",
    "WitnessConfigError",
    "WitnessDir",
    "WitnessError",
    "WitnessState",
    "WitnessUnreachable",
    "add_log",
    "check_split_view",
    "create_witness_app",
    "http_fetch",
    "init_witness",
    "load_config",
    "origin_hash",
    "parse_submission",
]
