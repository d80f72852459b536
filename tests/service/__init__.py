"""Specification of the service layer over a real database: tampering, crashes, interop."""
