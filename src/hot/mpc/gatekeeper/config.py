"""The gatekeeper's configuration: who it is, which nodes it drives, which API keys it serves.

whitepaper §3.2.2: a gatekeeper leases capacity (rate limits) and allocates it to its users; §4.1.1:
it "selects any threshold of responsive nodes; can blacklist slow nodes". Everything here is public
data except the gatekeeper's own Ed25519 receipt key; API keys are stored as SHA-256 digests, so a
leaked config file does not leak them. Loaded from JSON or TOML (`load_config`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from functools import cached_property
from pathlib import Path


from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import get_suite
from nacl.signing import SigningKey
from hot.wire.domains import DomainName as Domain
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator



def api_key_digest(api_key: str) -> str:
    """The hex SHA-256 under which an API key is configured and looked up."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NodeEndpoint(_Frozen):
    """One MPC node: its participant id in the key's sharing and the base URL of its HTTP API."""

    participant_id: int = Field(gt=0)
    url: str = Field(pattern=r"^https?://")


class ApiKey(_Frozen):
    """A user's credential: `quota` messages in total, `rate_per_s` sustained with `burst` headroom."""

    name: str = Field(min_length=1)
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    quota: int = Field(ge=0)
    rate_per_s: float = Field(gt=0)
    burst: int = Field(ge=1)


class DomainKeys(_Frozen):
    """A domain's root public key package (`PublicKeyPackage.to_bytes`, hex): group key and PK_i."""

    public_key_package: str

    def package(self, domain: Domain) -> PublicKeyPackage:
        return PublicKeyPackage.from_bytes(get_suite(domain), bytes.fromhex(self.public_key_package))


class GatekeeperConfig(_Frozen):
    """Everything `create_app` needs; times in seconds."""

    gatekeeper_id: str = Field(min_length=1)
    signing_key_hex: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", repr=False)
    signing_key_file: str | None = None  # a file holding the hex seed (keeps the secret out of the config)
    nodes: tuple[NodeEndpoint, ...]
    threshold: int = Field(ge=1)
    domains: dict[Domain, DomainKeys]
    api_keys: tuple[ApiKey, ...] = ()
    database: str = ":memory:"
    node_timeout_s: float = Field(default=15.0, gt=0)  # above the nodes' 10 s peer-exchange timeout
    rest_s: float = Field(default=30.0, ge=0)
    receipt_ttl_s: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)
    # An ECDSA request that finds no signer set with enough presignatures waits this long for the
    # nodes to make more (they refill in the background) before answering 503: a burst deeper than
    # the pools queues instead of failing, and clients do not spin on retries.
    presignature_wait_s: float = Field(default=2.0, ge=0)
    max_batch: int = Field(default=64, ge=1)
    max_message_bytes: int = Field(default=65536, ge=32)
    max_payload_bytes: int = Field(default=65536, ge=0)

    @field_validator("nodes")
    @classmethod
    def _distinct_nodes(cls, nodes: tuple[NodeEndpoint, ...]) -> tuple[NodeEndpoint, ...]:
        ids = [n.participant_id for n in nodes]
        if len(set(ids)) != len(ids):
            raise ValueError("participant ids must be distinct")
        return nodes

    @model_validator(mode="after")
    def _consistent(self) -> GatekeeperConfig:
        if (self.signing_key_hex is None) == (self.signing_key_file is None):
            raise ValueError("give exactly one of signing_key_hex or signing_key_file")
        if len(self.nodes) < self.threshold:
            raise ValueError(f"{len(self.nodes)} nodes cannot meet threshold {self.threshold}")
        if len({k.key_sha256 for k in self.api_keys}) != len(self.api_keys):
            raise ValueError("two API keys share a digest")
        if len({k.name for k in self.api_keys}) != len(self.api_keys):
            raise ValueError("API key names must be distinct")
        for domain, keys in self.domains.items():
            package = keys.package(domain)
            if package.threshold != self.threshold:
                raise ValueError(f"{domain} key has threshold {package.threshold}, config says {self.threshold}")
            missing = {n.participant_id for n in self.nodes} - set(package.verification_shares)
            if missing:
                raise ValueError(f"nodes {sorted(missing)} hold no {domain} share")
        return self

    @cached_property
    def signing_key(self) -> SigningKey:
        """The receipt key: from `signing_key_hex`, or read (64 hex characters) from `signing_key_file`."""
        seed_hex = self.signing_key_hex
        if seed_hex is None:
            seed_hex = Path(str(self.signing_key_file)).read_text(encoding="ascii").strip()
        if not re.fullmatch(r"[0-9a-f]{64}", seed_hex):
            raise ValueError("the gatekeeper signing key must be 32 bytes of lowercase hex")
        return SigningKey(bytes.fromhex(seed_hex))

    @cached_property
    def public_key_packages(self) -> dict[Domain, PublicKeyPackage]:
        return {domain: keys.package(domain) for domain, keys in self.domains.items()}

    def api_key(self, presented: str) -> ApiKey | None:
        digest = api_key_digest(presented)
        return next((k for k in self.api_keys if k.key_sha256 == digest), None)


def load_config(path: Path) -> GatekeeperConfig:
    """Read a JSON or TOML (by extension) config file and validate it."""
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    if isinstance(raw, dict) and raw.get("signing_key_file"):  # relative to the config file
        raw["signing_key_file"] = str(path.parent / raw["signing_key_file"])
    config = GatekeeperConfig.model_validate(raw)
    config.signing_key  # noqa: B018 -- fail at load, not at the first request, on a bad key file
    return config
