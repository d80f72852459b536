"""What every fault of the campaign needs: a production on disk, a real ``showclear serve``
process, clients that keep a log of acknowledged commands, and the check afterwards.

A client acknowledges a command only on HTTP 200 with the entry's index; afterwards the entry
at that index must be that very concern. Each scenario returns an :class:`Outcome`, which the
tests assert on and the long mode (``python -m tests.campaign``) prints as a table row.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from showclear.service import TRUSTED, FileKeyring, build_app
from showclear.service.auth import Argon2idHasher

__all__ = [
    "CREW",
    "SLUG",
    "Clients",
    "Outcome",
    "Served",
    "Site",
    "free_port",
    "lost_acknowledged",
]

SLUG = "dust-creek"
#: The people who raise concerns, one client thread each (a concern is never rate-limited).
CREW = ("ann", "bo", "cy", "di", "ed", "flo")
#: argon2id at its cheapest: these PINs guard nothing.
CHEAP_HASHER = Argon2idHasher(time_cost=1, memory_cost=8, parallelism=1)
PINS = {name: f"{4000 + i * 111}" for i, name in enumerate(("sam", *CREW))}


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """A production's database (a SQLite path or a PostgreSQL URL) and its key directory."""

    db: str
    work: Path

    @property
    def keys(self) -> Path:
        return self.work / "keys"

    def env(self) -> dict[str, str]:
        """The environment of every ``showclear`` process here: this database and these keys."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
        env |= {"SHOWCLEAR_DB": self.db, "SHOWCLEAR_KEY_DIR": str(self.keys), "COLUMNS": "300"}
        env |= {f"SHOWCLEAR_PIN_{name.upper()}": pin for name, pin in PINS.items()}
        return env

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``showclear ARGS`` as a process of its own, as an operator would."""
        return subprocess.run(
            [sys.executable, "-c", "from showclear.cli import main; main()", *args],
            env=self.env(),
            cwd=self.work,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def create(self, crew: int) -> None:
        """The production "Dust Creek" with its safety coordinator and ``crew`` people.

        Made in this process, with PINs hashed cheaply (the hash carries its parameters, so
        the server checks them as cheaply): the campaign's time goes to the faults.
        """
        self.keys.mkdir(parents=True, exist_ok=True)
        app = build_app(self.db, key_dir=self.keys, hasher=CHEAP_HASHER)
        try:
            slug = app.init_production("Dust Creek").slug
            people = [("sam", "safety_coordinator"), *((name, "crew") for name in CREW[:crew])]
            for person, role in people:
                event = {
                    "type": "PersonRegistered",
                    "actor": None,
                    "person": person,
                    "name": person.title(),
                    "roles": [role],
                }
                assert not app.submit(slug, event, TRUSTED).refused, event
                app.set_pin(slug, person, PINS[person])
        finally:
            app.close()

    def verify(self) -> subprocess.CompletedProcess[str]:
        """``showclear verify`` of the production."""
        return self.cli("verify")

    def concerns(self) -> dict[int, str]:
        """Every concern in the ledger: its entry index and its text."""
        app = build_app(self.db, keyring=FileKeyring(self.keys))
        try:
            found: dict[int, str] = {}
            start, size = 0, 1
            while start < size:
                size, rows = app.entries(SLUG, start, 500)
                for row in rows:
                    event = row.event()
                    if isinstance(event, dict) and event.get("type") == "ConcernRaised":
                        found[row.index] = str(event["text"])
                start += max(len(rows), 1)
            return found
        finally:
            app.close()


class Served:
    """``showclear serve`` over a site on a loopback port, as a process that can be killed."""

    def __init__(self, site: Site, port: int | None = None) -> None:
        self.site = site
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self._log: IO[str] = (site.work / "serve.log").open("a")
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until it accepts connections."""
        command = [
            *(sys.executable, "-c", "from showclear.cli import main; main()"),
            *("serve", "--db", self.site.db, "--port", str(self.port)),
        ]
        # The log goes to a file: a pipe nobody reads would fill up and stall the server.
        self.process = subprocess.Popen(
            command, env=self.site.env(), stdout=self._log, stderr=self._log, text=True
        )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(
                        f"showclear serve did not start (start {self.starts}):\n{self.log()}"
                    ) from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever the server was in the middle of."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """End the server if it runs (SIGTERM, then SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)

    def log(self) -> str:
        self._log.flush()
        return (self.site.work / "serve.log").read_text(errors="replace")[-4000:]

    def token(self, person: str) -> str:
        """An API token of ``person``, signed in with their PIN as a device would."""
        response = httpx.post(
            f"{self.url}/productions/{SLUG}/tokens",
            json={"person": person, "pin": PINS[person], "label": "campaign"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def raise_concern(self, token: str, text: str) -> httpx.Response:
        """POST one concern (the command a client of the campaign sends)."""
        return httpx.post(
            f"{self.url}/productions/{SLUG}/concerns",
            json={"text": text, "anonymous": False, "stop_work": False},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    def __enter__(self) -> Served:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.close()


@dataclass
class Clients:
    """Client threads raising concerns as fast as the server takes them, each logging what
    was acknowledged (200 with the entry's index), answered 503, or answered anything else."""

    served: Served
    people: tuple[str, ...]
    text: str = ""  # padding after each concern's own words
    acknowledged: dict[int, str] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)  # 503s: their problem details
    unclean: list[str] = field(default_factory=list)  # any other answer, with its body
    refused_connections: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _run(self, person: str, token: str) -> None:
        n = 0
        with httpx.Client(base_url=self.served.url, timeout=30) as http:
            while not self._stop.is_set():
                n += 1
                text = f"campaign {person} {n} {self.text}".strip()
                try:
                    response = http.post(
                        f"/productions/{SLUG}/concerns",
                        json={"text": text, "anonymous": False, "stop_work": False},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                except httpx.TransportError:
                    # The server is down (killed, restarting): nothing was acknowledged.
                    with self._lock:
                        self.refused_connections += 1
                    time.sleep(0.05)
                    continue
                with self._lock:
                    if response.status_code == 200:
                        for entry in response.json()["entries"]:
                            self.acknowledged[int(entry["index"])] = text
                    elif response.status_code == 503:
                        self.unavailable.append(response.text)
                    else:
                        self.unclean.append(f"{response.status_code} {response.text[:500]}")
                if response.status_code == 503:
                    time.sleep(0.05)

    def start(self) -> None:
        """Sign each person in (an API token) and start their thread."""
        for person in self.people:
            thread = threading.Thread(
                target=self._run, args=(person, self.served.token(person)), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def wait_for(self, more: int, timeout: float = 120) -> None:
        """Wait until ``more`` further commands are acknowledged."""
        target = self.count() + more
        deadline = time.monotonic() + timeout
        while self.count() < target:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no progress: {self.count()} acknowledged, waiting for {target}; "
                    f"unclean {self.unclean[-3:]}, 503s {self.unavailable[-3:]}"
                )
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def __enter__(self) -> Clients:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def lost_acknowledged(acknowledged: dict[int, str], ledger: dict[int, str]) -> list[int]:
    """The acknowledged commands not in the ledger at the index the client was told."""
    return sorted(i for i, text in acknowledged.items() if ledger.get(i) != text)


@dataclass
class Outcome:
    """One fault's runs, as a row of the long mode's table."""

    fault: str
    runs: int = 0
    acknowledged: int = 0
    lost: list[int] = field(default_factory=list)
    verified: bool = True
    clean: bool = True
    notes: list[str] = field(default_factory=list)

    def row(self) -> str:
        lost = f"{len(self.lost)} of {self.acknowledged}"
        verify = "passes" if self.verified else "FAILS"
        clean = "yes" if self.clean else "NO: " + "; ".join(self.notes)[:200]
        return f"| {self.fault} | {self.runs} | {lost} | {verify} | {clean} |"
