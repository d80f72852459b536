"""The demonstration shoot day that ``showclear demo`` plays: a western, start to wrap.

The day is the scenario file ``western-day.yaml`` in this package, replayed by the
scenario runner like any file of scenarios/.
"""

from showclear.demo.day import DAY_FILE, PINS, demo_day, play, western_day

__all__ = ["DAY_FILE", "PINS", "demo_day", "play", "western_day"]
