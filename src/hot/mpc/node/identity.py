"""The node's long-term keys, kept in its data directory with mode 0600.

Two keys, two jobs (ARCHITECTURE.md, Security promises):
- the **signing key** (Ed25519) signs log entries, binds the attestation quote to this node and
  signs messages to the Controller; its public key is what a fisherman checks log entries against;
- the **p2p key** (Ed25519) authenticates the node's TLS channels to its peers; its public key is
  the one registered on the Controller for this participant (whitepaper §2.2.4: "participant
  details like IP addresses, encryption public keys, and identifiers").

Keeping them apart means a leaked TLS key cannot forge log entries and vice versa. In a TEE these
files would be sealed to the enclave's measurement; on localnet they are plain 0600 files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from hot.wire.errors import InsecureKeyFile, KeyFileError

SIGNING_KEY_FILE = "signing_key"
P2P_KEY_FILE = "p2p_key"
_SEED_BYTES = 32


def write_secret_file(path: Path, secret: bytes) -> None:
    """Create `path` with mode 0600 holding `secret`, durably, refusing to overwrite.

    The file is written under a temporary name created 0600 from the start (never a window in
    which another user can read it), fsync'ed, linked into place without replacing an existing
    key (losing a key loses the shares it protects), and the directory is fsync'ed.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secret)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails with FileExistsError instead of replacing a key
    finally:
        os.unlink(tmp)
    fsync_dir(path.parent)


def read_secret_file(path: Path, length: int) -> bytes:
    """Read an exactly `length`-byte secret from a file that only its owner may access."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise KeyFileError(f"key file {path} does not exist") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InsecureKeyFile(f"key file {path} has mode {stat.S_IMODE(mode):o}; run `chmod 600 {path}`")
    secret = path.read_bytes()
    if len(secret) != length:
        raise KeyFileError(f"key file {path} holds {len(secret)} bytes, expected {length}")
    return secret


def load_or_create_secret(path: Path, length: int) -> bytes:
    """The secret in `path`, generated from the OS CSPRNG and stored on first start."""
    path = Path(path)
    if not path.exists():
        try:
            write_secret_file(path, os.urandom(length))
        except FileExistsError:
            pass  # another process created it first: use theirs
    return read_secret_file(path, length)


def fsync_dir(directory: Path) -> None:
    """Make a file creation/rename in `directory` durable (POSIX needs the directory fsync'ed)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class NodeIdentity:
    """The node's signing key and p2p key (private halves stay in this object and the data dir)."""

    signing_key: Ed25519PrivateKey
    p2p_key: Ed25519PrivateKey

    @property
    def signing_public_key(self) -> bytes:
        """Raw 32-byte Ed25519 public key that verifies log entries and attestation binding."""
        return self.signing_key.public_key().public_bytes_raw()

    @property
    def p2p_public_key(self) -> bytes:
        """Raw 32-byte Ed25519 public key registered on the Controller for peer channels."""
        return self.p2p_key.public_key().public_bytes_raw()

    def public_keys_hex(self) -> dict[str, str]:
        """Both public keys as hex, for registration on the Controller and for `hot node` output."""
        return {"signing_public_key": self.signing_public_key.hex(), "p2p_public_key": self.p2p_public_key.hex()}

    @classmethod
    def load_or_create(cls, data_dir: Path) -> NodeIdentity:
        """Load the node's keys from `data_dir`, creating them (0600) on first start."""
        data_dir = Path(data_dir)
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        signing_seed = load_or_create_secret(data_dir / SIGNING_KEY_FILE, _SEED_BYTES)
        p2p_seed = load_or_create_secret(data_dir / P2P_KEY_FILE, _SEED_BYTES)
        return cls(
            signing_key=Ed25519PrivateKey.from_private_bytes(signing_seed),
            p2p_key=Ed25519PrivateKey.from_private_bytes(p2p_seed),
        )


def ed25519_public_key(raw: bytes) -> Ed25519PublicKey:
    """Parse a raw 32-byte Ed25519 public key, with a typed error for anything else."""
    if len(raw) != 32:
        raise KeyFileError(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise KeyFileError(f"not an Ed25519 public key: {raw.hex()}") from exc


def parse_public_key_hex(text: str) -> bytes:
    """Parse a hex-encoded 32-byte Ed25519 public key (as printed by `public_keys_hex`)."""
    try:
        raw = bytes.fromhex(text.strip().removeprefix("0x"))
    except ValueError as exc:
        raise KeyFileError(f"public key is not hex: {text!r}") from exc
    ed25519_public_key(raw)
    return raw
