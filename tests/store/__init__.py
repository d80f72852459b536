"""Specification of the storage port, run against every backend."""
