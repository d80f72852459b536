"""The demonstration shoot day that ``showclear demo`` plays: a western, start to wrap."""

from showclear.demo.day import CAST, PINS, Step, western_day

__all__ = ["CAST", "PINS", "Step", "western_day"]
