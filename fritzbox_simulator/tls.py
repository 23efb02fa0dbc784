"""Self-signed certificates for the HTTPS listener, swappable while it runs.

The listener keeps one ``SSLContext``; loading a new chain into it changes what new
handshakes present, while established connections keep the old certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import hashlib
import ipaddress
from pathlib import Path
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

COMMON_NAME = "fritz.box"
VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A PEM certificate and its private key; the repr shows only the fingerprint."""

    certificate_pem: bytes
    key_pem: bytes = b""

    @property
    def fingerprint(self) -> str:
        """Lowercase hex SHA-256 of the DER certificate, as clients pin it."""
        der = x509.load_pem_x509_certificate(self.certificate_pem).public_bytes(
            serialization.Encoding.DER
        )
        return hashlib.sha256(der).hexdigest()

    def __repr__(self) -> str:
        """Keep the private key out of logs and test output."""
        return f"Certificate(fingerprint={self.fingerprint!r})"


def make_self_signed(hosts: tuple[str, ...] = ("127.0.0.1",)) -> Certificate:
    """Make a key and a certificate for ``fritz.box`` plus ``hosts`` (names or addresses)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    alt_names: list[x509.GeneralName] = [x509.DNSName(COMMON_NAME)]
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Certificate(
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def load_into(context: ssl.SSLContext, certificate: Certificate) -> None:
    """Make ``context`` present ``certificate``; the ssl module only loads from files."""
    with tempfile.TemporaryDirectory(prefix="fritzbox-sim-") as directory:
        cert_path = Path(directory, "cert.pem")
        key_path = Path(directory, "key.pem")
        cert_path.write_bytes(certificate.certificate_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(certificate.key_pem)
        context.load_cert_chain(cert_path, key_path)


def server_context(certificate: Certificate) -> ssl.SSLContext:
    """Make the listener's context; ``load_into`` can change its certificate later."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    load_into(context, certificate)
    return context
