"""showclear: prop weapons and ammunition under a safety protocol, in a verifiable ledger."""

__version__ = "0.1.0"
__all__ = ["__version__"]
