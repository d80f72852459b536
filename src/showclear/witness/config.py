"""A witness's directory: its private key, the logs it follows, and its state database.

``showclear witness init --dir DIR --name NAME`` makes::

    DIR/                 0700
    ├── witness.key      0600  PRIVATE+KEY+NAME+KEYID+base64(0x04 || seed) (ledger.cosignature)
    ├── witness.toml           name, and one [[log]] table per followed log key
    └── witness.db             SQLite, made on first serve: latest checkpoints, fork evidence

``witness.toml`` (docs/witness.md)::

    name = "insurer.example/witness"

    [[log]]
    key = "dust-creek.example/ledger+1a2b3c4d+AQ..."   # the production's verifier key
    note = "Dust Creek, studio safety office"          # optional, for people

A log's origin is its verifier key's name (C2SP tlog-checkpoint), so a key followed here is
what lets a checkpoint of that origin in. ``witness add-log`` appends a table and keeps the
rest of the file, comments included, as it was.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from showclear.ledger.cosignature import Cosigner
from showclear.ledger.errors import NoteError
from showclear.ledger.note import Ed25519Verifier
from showclear.witness.errors import WitnessConfigError

__all__ = ["WitnessConfig", "WitnessDir", "add_log", "init_witness", "load_config"]

KEY_FILE = "witness.key"
CONFIG_FILE = "witness.toml"
DB_FILE = "witness.db"


@dataclass(frozen=True, slots=True)
class WitnessDir:
    """The files of one witness directory."""

    path: Path

    @property
    def key(self) -> Path:
        return self.path / KEY_FILE

    @property
    def config(self) -> Path:
        return self.path / CONFIG_FILE

    @property
    def db(self) -> Path:
        return self.path / DB_FILE


@dataclass(frozen=True, slots=True)
class WitnessConfig:
    """A loaded witness: its cosigner key and the log keys it follows, by origin."""

    cosigner: Cosigner
    logs: dict[str, tuple[Ed25519Verifier, ...]]


def _toml_string(text: str) -> str:
    # Verifier keys and names hold no quote or backslash (base64, hex, URL-ish names);
    # anything else is refused rather than escaped, so the file stays plain to read.
    if any(ch in text for ch in '"\\\n') or not text.isprintable():
        raise WitnessConfigError(f"{text!r} cannot be written in witness.toml")
    return f'"{text}"'


def init_witness(directory: Path, name: str) -> Cosigner:
    """Create a witness directory with a new key named ``name``; return the key.

    Raises:
        WitnessConfigError: the directory already holds a witness key or config, or the
            name is not a valid key name.
    """
    where = WitnessDir(directory)
    if where.key.exists() or where.config.exists():
        raise WitnessConfigError(
            f"{directory} already holds a witness; its key is never replaced (a new key "
            "means every production must pin the new one): use another --dir"
        )
    try:
        cosigner = Cosigner.generate(name)
    except NoteError as e:
        raise WitnessConfigError(f"witness name {name!r}: {e}") from e
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    fd = os.open(where.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(cosigner.private_key_string() + "\n")
        f.flush()
        os.fsync(f.fileno())
    where.config.write_text(
        "# The showclear witness in this directory (docs/witness.md).\n"
        f"name = {_toml_string(name)}\n"
        "\n# One [[log]] table per production key this witness follows:\n"
        "#   showclear witness add-log --dir DIR 'origin+keyid+base64'\n",
        encoding="utf-8",
    )
    return cosigner


def _parse_log_key(vkey: str) -> Ed25519Verifier:
    try:
        return Ed25519Verifier.from_verifier_key(vkey)
    except NoteError as e:
        raise WitnessConfigError(
            f"log key {vkey!r}: {e} (a production's key is printed by "
            "`showclear key` and served at /productions/SLUG/ledger/verifier-key)"
        ) from e


def add_log(directory: Path, vkey: str, note: str = "") -> Ed25519Verifier:
    """Append a followed log key to the witness's config; return the parsed key.

    Raises:
        WitnessConfigError: no witness there, the key is malformed, or already followed.
    """
    where = WitnessDir(directory)
    verifier = _parse_log_key(vkey)
    config = load_config(directory)
    if any(v.verifier_key() == verifier.verifier_key() for v in config.logs.get(verifier.name, ())):
        raise WitnessConfigError(f"the witness already follows {verifier.verifier_key()}")
    table = f"\n[[log]]\nkey = {_toml_string(verifier.verifier_key())}\n"
    if note:
        table += f"note = {_toml_string(note)}\n"
    with where.config.open("a", encoding="utf-8") as f:
        f.write(table)
    return verifier


def _read_key(path: Path) -> Cosigner:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise WitnessConfigError(
            f"cannot read the witness key {path}: {e.strerror} (showclear witness init makes it)"
        ) from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise WitnessConfigError(f"the witness key {path} can be read by others: chmod 600 {path}")
    try:
        return Cosigner.from_private_key_string(text)
    except NoteError as e:
        raise WitnessConfigError(f"the witness key {path}: {e}") from e


def load_config(directory: Path) -> WitnessConfig:
    """Read a witness directory's key and config.

    Raises:
        WitnessConfigError: a file is missing, unsafe or malformed, or the config's name is
            not the key's.
    """
    where = WitnessDir(directory)
    cosigner = _read_key(where.key)
    try:
        data = tomllib.loads(where.config.read_text(encoding="utf-8"))
    except OSError as e:
        raise WitnessConfigError(f"cannot read {where.config}: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise WitnessConfigError(f"{where.config} is not valid TOML: {e}") from e
    if data.get("name") != cosigner.name:
        raise WitnessConfigError(
            f"{where.config} names the witness {data.get('name')!r}, its key "
            f"{cosigner.name!r}: put back name = {cosigner.name!r}"
        )
    tables = data.get("log", [])
    if not isinstance(tables, list):
        raise WitnessConfigError(f"{where.config}: 'log' must be [[log]] tables")
    logs: dict[str, list[Ed25519Verifier]] = {}
    for table in tables:
        key = table.get("key") if isinstance(table, dict) else None
        if not isinstance(key, str):
            raise WitnessConfigError(f'{where.config}: each [[log]] needs key = "..."')
        verifier = _parse_log_key(key)
        logs.setdefault(verifier.name, []).append(verifier)
    return WitnessConfig(cosigner, {origin: tuple(keys) for origin, keys in logs.items()})
