"""Specification of the pure ledger core (showclear.ledger)."""
