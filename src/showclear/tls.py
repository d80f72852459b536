"""The set's own certificate authority, and the server certificate ``showclear serve --tls`` uses.

Tablets and phones on the set reach the laptop by a local name (``showclear.local``);
no public authority issues a certificate for such a name, yet the session cookie is
``Secure``, and passkeys (WebAuthn) and the camera need a secure context. So a set
makes its own authority once, installs it on each device once (the ``/ca`` page), and
the server presents a certificate that authority signed for the names and addresses
given. A production with a real domain name uses its own certificate instead
(``serve --cert FILE --key FILE``) and none of this.

The profile follows RFC 5280 and what the devices on set require of a server
certificate (Apple, "Requirements for trusted certificates in iOS 13 and macOS 10.15"):
ECDSA P-256 keys and SHA-256 signatures; the names only in the subjectAltName
(§4.2.1.6); the extended key usage id-kp-serverAuth (§4.2.1.12); a validity of
397 days at most. The authority is constrained (§4.2.1.10, name constraints, critical):
it can vouch only for the names given when it was made and for private addresses
(RFC 1918, RFC 4193, loopback), so even a copy of its key could not impersonate a
bank or a mail server to the phones that trust it.

Files, in one directory (by default ``tls/`` beside the key directory)::

    ca.pem       the authority's certificate (public: what devices install)
    ca.key       its private key, 0600 (only ``tls init`` and ``tls issue`` read it)
    server.pem   the server certificate, then the authority's (the chain served)
    server.key   the server's private key, 0600
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from showclear.errors import ErrorKind, ShowclearError

__all__ = [
    "AUTHORITY_YEARS",
    "SERVER_DAYS",
    "Authority",
    "AuthorityExists",
    "BadName",
    "IpAddress",
    "Issued",
    "TlsError",
    "TlsFiles",
    "check_pair",
    "fingerprint",
    "init_authority",
    "issue_server",
    "load_authority",
    "parse_names",
    "server_files",
    "server_names",
]

#: How long the authority devices install once is valid.
AUTHORITY_YEARS = 10
#: How long a server certificate is valid: Apple's devices refuse longer than 825 days,
#: browsers a publicly trusted one longer than 398; 397 stays under both.
SERVER_DAYS = 397
#: Devices whose clocks run a little behind still accept a certificate just made.
_BACKDATE = timedelta(hours=1)

#: Addresses the authority may vouch for beyond the ones given: private and loopback.
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "fc00::/7", "::1/128")
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TlsError(ShowclearError):
    """The set's certificate files are missing, unreadable, unsafe or do not fit together."""

    kind: ClassVar[ErrorKind] = ErrorKind.UNAVAILABLE


class AuthorityExists(TlsError):
    """A set authority is already in the directory: making another needs ``--force``."""

    kind: ClassVar[ErrorKind] = ErrorKind.CONFLICT


class BadName(TlsError, ValueError):
    """A host name or an address a certificate cannot name."""

    kind: ClassVar[ErrorKind] = ErrorKind.BAD_REQUEST


@dataclass(frozen=True)
class TlsFiles:
    """Where the authority and the server certificate of one installation are."""

    directory: Path

    @classmethod
    def beside(cls, key_dir: Path) -> TlsFiles:
        """The ``tls/`` folder next to the key directory (``~/.config/showclear/tls``)."""
        return cls(key_dir.parent / "tls")

    @property
    def ca_cert(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"


@dataclass(frozen=True)
class Authority:
    """The set authority's certificate: what a device installs, and how a person checks it."""

    certificate: x509.Certificate

    @property
    def name(self) -> str:
        cn = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(cn[0].value) if cn else self.certificate.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate, as iOS, Android and ``openssl x509 -fingerprint`` show it."""
        return fingerprint(self.certificate)

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Issued:
    """A server certificate just written, and the authority that signed it."""

    files: TlsFiles
    authority: Authority
    names: tuple[str, ...]
    addresses: tuple[IpAddress, ...]
    not_after: datetime


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 fingerprint of ``certificate``: 32 bytes in hex, colon-separated."""
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def parse_names(
    names: Iterable[str], addresses: Iterable[str]
) -> tuple[list[str], list[IpAddress]]:
    """Host names (lower case, checked) and IP addresses for a server certificate.

    Raises:
        BadName: a name is not a host name (an address given as a name is named as
            such), an address is not one, or no host name is given at all.
    """
    dns: list[str] = []
    for raw in names:
        name = raw.strip().lower().rstrip(".")
        try:
            ipaddress.ip_address(name)
        except ValueError:
            pass
        else:
            raise BadName(f"{raw!r} is an address: give it with --ip, and a host name with --name")
        if len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
            raise BadName(
                f"{raw!r} is not a host name: letters, digits and hyphens in dot-separated "
                "labels, for example showclear.local"
            )
        if name not in dns:
            dns.append(name)
    ips: list[IpAddress] = []
    for raw in addresses:
        try:
            ip = ipaddress.ip_address(raw.strip())
        except ValueError:
            raise BadName(f"{raw!r} is not an IP address, for example 192.168.1.20") from None
        if ip not in ips:
            ips.append(ip)
    if not dns:
        raise BadName(
            "give the server a host name with --name (for example showclear.local): "
            "passkeys (WebAuthn) work with a host name, never with an address alone"
        )
    return dns, ips


def init_authority(
    files: TlsFiles,
    label: str,
    names: Sequence[str],
    addresses: Sequence[IpAddress] = (),
    *,
    force: bool = False,
    now: datetime | None = None,
) -> Issued:
    """Make a set authority named after ``label`` and a server certificate for the names.

    Raises:
        AuthorityExists: ``files`` already hold an authority and ``force`` is false.
        TlsError: the directory or a file cannot be written.
    """
    if files.ca_cert.exists() and not force:
        existing = load_authority(files)
        raise AuthorityExists(
            f"a set authority is already in {files.directory} ({existing.name}, SHA-256 "
            f"{existing.fingerprint}); the devices that installed it trust it. To issue a "
            "server certificate for other names or addresses with it, run: showclear tls issue; "
            "to replace it (every device must then install the new one), add --force"
        )
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "showclear"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"showclear set CA {label}"[:64]),
        ]
    )
    permitted: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    networks = list(_PRIVATE_NETWORKS)
    networks += [ipaddress.ip_network(a) for a in addresses if not _private(a)]
    permitted += [x509.IPAddress(n) for n in networks]
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=365 * AUTHORITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.NameConstraints(permitted, None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    files.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(files.ca_key, _private_pem(key), private=True)
    _write(files.ca_cert, certificate.public_bytes(serialization.Encoding.PEM), private=False)
    return issue_server(files, names, addresses, now=now)


def issue_server(
    files: TlsFiles,
    names: Sequence[str],
    addresses: Sequence[IpAddress] = (),
    *,
    now: datetime | None = None,
) -> Issued:
    """Sign a new server certificate and key for ``names`` and ``addresses`` with the authority.

    Raises:
        TlsError: there is no authority in ``files``, or its key is unsafe or another's.
        BadName: the authority may not vouch for one of the names or addresses.
    """
    authority = load_authority(files)
    ca_key = _load_key(files.ca_key)
    if ca_key.public_key() != authority.certificate.public_key():
        raise TlsError(f"{files.ca_key} is not the key of {files.ca_cert}")
    _within_constraints(authority, names, addresses)
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    not_after = min(now + timedelta(days=SERVER_DAYS), authority.certificate.not_valid_after_utc)
    ca_public = authority.certificate.public_key()
    assert isinstance(ca_public, ec.EllipticCurvePublicKey)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(authority.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(n) for n in names] + [x509.IPAddress(a) for a in addresses]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = certificate.public_bytes(serialization.Encoding.PEM) + authority.pem()
    _write(files.server_key, _private_pem(key), private=True)
    _write(files.server_cert, chain, private=False)
    return Issued(files, authority, tuple(names), tuple(addresses), not_after)


def load_authority(files: TlsFiles) -> Authority:
    """The set authority in ``files``.

    Raises:
        TlsError: there is none, or the file is not a certificate authority.
    """
    try:
        data = files.ca_cert.read_bytes()
    except FileNotFoundError:
        raise TlsError(
            f"there is no set authority in {files.directory}; make one with: "
            "showclear tls init --name showclear.local"
        ) from None
    except OSError as e:
        raise TlsError(f"cannot read {files.ca_cert}: {e.strerror}") from e
    try:
        certificate = x509.load_pem_x509_certificate(data)
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except (ValueError, x509.ExtensionNotFound):
        raise TlsError(f"{files.ca_cert} is not a certificate authority's certificate") from None
    if not constraints.value.ca:
        raise TlsError(f"{files.ca_cert} is not a certificate authority's certificate")
    return Authority(certificate)


def server_files(files: TlsFiles) -> tuple[Path, Path]:
    """The server certificate chain and key that ``serve --tls`` loads, checked.

    Raises:
        TlsError: a file is missing, the key is readable by others, or the certificate
            was not signed by the set authority in the same directory.
    """
    if not files.server_cert.exists() or not files.server_key.exists():
        raise TlsError(
            f"there is no server certificate in {files.directory}; make one with: "
            "showclear tls init --name showclear.local"
        )
    _check_private(files.server_key)
    authority = load_authority(files)
    try:
        leaf = x509.load_pem_x509_certificates(files.server_cert.read_bytes())[0]
        leaf.verify_directly_issued_by(authority.certificate)
    except (ValueError, TypeError, InvalidSignature):
        raise TlsError(
            f"{files.server_cert} was not signed by the set authority {files.ca_cert}; "
            "issue it again with: showclear tls issue"
        ) from None
    return files.server_cert, files.server_key


def check_pair(certificate_file: Path, key_file: Path) -> None:
    """Load a certificate chain and its key as the server will, before it starts.

    Raises:
        TlsError: a file is missing or unreadable, is not PEM, or the key is not the
            certificate's.
    """
    for path in (certificate_file, key_file):
        if not path.is_file():
            raise TlsError(f"there is no file {path}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certificate_file, key_file)
    except (ssl.SSLError, OSError) as e:
        raise TlsError(
            f"{certificate_file} and {key_file} cannot serve HTTPS ({e.strerror or e}): "
            "give the certificate chain (PEM, the server's certificate first) and its "
            "own private key (PEM, not protected by a passphrase)"
        ) from None


def server_names(certificate_file: Path) -> tuple[list[str], datetime]:
    """The host names a certificate file's first certificate is for, and when it expires.

    Raises:
        TlsError: the file cannot be read or holds no certificate.
    """
    try:
        leaf = x509.load_pem_x509_certificates(certificate_file.read_bytes())[0]
    except OSError as e:
        raise TlsError(f"cannot read the certificate {certificate_file}: {e.strerror}") from e
    except ValueError:
        raise TlsError(f"{certificate_file} holds no PEM certificate") from None
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], leaf.not_valid_after_utc
    return list(san.get_values_for_type(x509.DNSName)), leaf.not_valid_after_utc


def _private(address: IpAddress) -> bool:
    return any(address.version == n.version and address in n for n in _PRIVATE_NETWORKS)


def _within_constraints(
    authority: Authority, names: Sequence[str], addresses: Sequence[IpAddress]
) -> None:
    # RFC 5280 §4.2.1.10: a DNS constraint permits the name and every name below it.
    try:
        constraints = authority.certificate.extensions.get_extension_for_class(
            x509.NameConstraints
        ).value
    except x509.ExtensionNotFound:
        return
    permitted = constraints.permitted_subtrees or []
    domains = [g.value for g in permitted if isinstance(g, x509.DNSName)]
    networks = [g.value for g in permitted if isinstance(g, x509.IPAddress)]
    outside = [n for n in names if not any(n == d or n.endswith("." + d) for d in domains)]
    outside += [
        str(a)
        for a in addresses
        if not any(a.version == n.version and a in n for n in networks)  # type: ignore[operator]
    ]
    if outside:
        raise BadName(
            f"the set authority may vouch only for {', '.join(domains)} and private "
            f"addresses, not for {', '.join(outside)}; to cover them, make a new authority "
            "with: showclear tls init --force (every device must then install it again)"
        )


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TlsError(f"the key file {path} can be read by other users; run: chmod 600 {path}")


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        _check_private(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise TlsError(
            f"the set authority's key is not at {path}; only the machine that made the "
            "authority can issue server certificates with it"
        ) from None
    except OSError as e:
        raise TlsError(f"cannot read {path}: {e.strerror}") from e
    except ValueError:
        raise TlsError(f"{path} is not a PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TlsError(f"{path} is not an ECDSA key")
    return key


def _write(path: Path, data: bytes, *, private: bool) -> None:
    # A new file, then an atomic rename: a crash leaves the old file or the new one whole.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o600 if private else 0o644)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise TlsError(f"cannot write {path}: {e.strerror}") from e
