"""The fault and fuzz campaign (issue 15 item 3): real ``showclear serve`` processes under load
from several clients, killed, their PostgreSQL restarted, their disk filled, a second writer
beside them; and random command lines. ``python -m tests.campaign`` is the long mode."""
