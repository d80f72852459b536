"""The service layer: commands and queries, one transaction each, over the store."""

from showclear.service.app import App, build_app, slugify
from showclear.service.clock import Clock, FixedClock, SystemClock, format_time, parse_time
from showclear.service.errors import BadRequest, KeyFileError, NotFound, ServiceError
from showclear.service.keys import FileKeyring, Keyring, MemoryKeyring
from showclear.service.verify import VerifyReport

__all__ = [
    "App",
    "BadRequest",
    "Clock",
    "FileKeyring",
    "FixedClock",
    "KeyFileError",
    "Keyring",
    "MemoryKeyring",
    "NotFound",
    "ServiceError",
    "SystemClock",
    "VerifyReport",
    "build_app",
    "format_time",
    "parse_time",
    "slugify",
]
