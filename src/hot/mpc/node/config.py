"""The node's configuration file (`hot node run --config FILE`): one JSON or TOML document.

Everything a node needs to find its peers, its chain and its Controller (whitepaper §2.2, §2.3):
its participant id and data directory, the ports it listens on (HTTP API for the gatekeeper,
mutual-TLS peer transport), the NEAR RPC that carries the Controller and the Key Registry, the
chain endpoints its `hot_verify` adapters ask (`hot.mpc.chains.registry_from_config`), and where
the registered gatekeeper keys come from. Unknown fields are refused, so a typo cannot silently
fall back to a default.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hot.wire.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ControllerSource(_Strict):
    """Where the Controller's state is read and votes are sent.

    `near`: the Controller contract `account_id` through the NEAR JSON-RPC `rpc_url`, then
    `fallback_rpc_urls` in order when it cannot answer (votes are signed with the node's NEAR
    account key `near_key_file`). `file`: a Controller-shaped JSON
    state document (`path`) plus a votes file, for running nodes before or without the contract
    (the protocol runner reads both through the same `ControllerView`).
    """

    kind: Literal["near", "file"] = "near"
    rpc_url: str = ""
    fallback_rpc_urls: list[str] = []
    account_id: str = ""
    near_account_id: str = ""
    near_key_file: Path | None = None
    path: Path | None = None
    votes_path: Path | None = None
    poll_seconds: float = Field(0.2, gt=0)


class RegistrySource(_Strict):
    """The Key Registry contract whose `get_wallet(wallet_id)` holds each key's access list."""

    rpc_url: str
    account_id: str


class PresignPoolConfig(_Strict):
    """ECDSA presignature pools, one per signer set of exactly 2t-1 nodes."""

    low_water: int = Field(2, ge=0)
    high_water: int = Field(4, ge=1)
    max_sets: int = Field(8, ge=1)
    batch_timeout_seconds: float = Field(20.0, gt=0)


class NodeConfig(_Strict):
    """One participant's node configuration."""

    participant_id: int = Field(gt=0)
    data_dir: Path
    http_host: str = "127.0.0.1"
    http_port: int = Field(0, ge=0, le=65535)
    p2p_host: str = "127.0.0.1"
    p2p_port: int = Field(0, ge=0, le=65535)
    controller: ControllerSource
    registry: RegistrySource | None = None
    # Used only without a `registry`: key_id -> access list entries as get_wallet returns them.
    static_access_lists: dict[str, list[dict[str, object]]] = Field(default_factory=dict)
    chain_endpoints: dict[int, list[str]] = Field(default_factory=dict)
    gatekeepers: dict[str, str] = Field(default_factory=dict)
    presign: PresignPoolConfig = Field(default_factory=PresignPoolConfig)
    round_timeout_seconds: float = Field(10.0, gt=0)
    attestation_ttl_seconds: int = Field(3600, gt=60)

    @field_validator("gatekeepers")
    @classmethod
    def _hex_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for gatekeeper_id, key in value.items():
            try:
                raw = bytes.fromhex(key)
            except ValueError as exc:
                raise ValueError(f"gatekeeper {gatekeeper_id!r}: key is not hex") from exc
            if len(raw) != 32:
                raise ValueError(f"gatekeeper {gatekeeper_id!r}: an Ed25519 key is 32 bytes")
        return value

    def gatekeeper_keys(self) -> dict[str, bytes]:
        """Statically configured gatekeeper keys (the Controller's registry adds to these)."""
        return {gid: bytes.fromhex(key) for gid, key in self.gatekeepers.items()}


def load_config(path: Path | str) -> NodeConfig:
    """Read a `.json` or `.toml` node configuration; `ConfigError` names what is wrong."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read node config {path}: {exc}") from exc
    try:
        raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"node config {path} is not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") from exc
    try:
        return NodeConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"node config {path} is invalid: {exc}") from exc
