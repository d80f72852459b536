"""The service layer: commands and queries, one transaction each, over the store."""

from showclear.service.app import App, build_app, slugify
from showclear.service.clock import Clock, FixedClock, SystemClock
from showclear.service.errors import (
    AuthError,
    BadRequest,
    Forbidden,
    KeyFileError,
    NotFound,
    ServiceError,
)
from showclear.service.identity import TRUSTED, Credentials, Trusted
from showclear.service.keys import FileKeyring, Keyring, MemoryKeyring
from showclear.service.verify import VerifyReport

__all__ = [
    "TRUSTED",
    "App",
    "AuthError",
    "BadRequest",
    "Clock",
    "Credentials",
    "FileKeyring",
    "FixedClock",
    "Forbidden",
    "KeyFileError",
    "Keyring",
    "MemoryKeyring",
    "NotFound",
    "ServiceError",
    "SystemClock",
    "Trusted",
    "VerifyReport",
    "build_app",
    "slugify",
]
