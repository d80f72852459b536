"""Specification of the showclear command line."""
