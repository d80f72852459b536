"""Export bundles: a production's whole ledger in one zip that anyone can check offline.

``build_bundle`` writes one from a ledger's entries, checkpoints and verifier key
(``write_bundle`` streams one to a file);
``verify_bundle`` checks one with nothing but :mod:`showclear.ledger` (no database,
no network). The layout and the README inside are in :mod:`showclear.bundle.layout`.
"""

from showclear.bundle.layout import FORMAT
from showclear.bundle.verify import BundleReport, verify_bundle
from showclear.bundle.write import BundleSummary, build_bundle, write_bundle

__all__ = [
    "FORMAT",
    "BundleReport",
    "BundleSummary",
    "build_bundle",
    "verify_bundle",
    "write_bundle",
]
