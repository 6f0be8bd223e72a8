"""The chain-verifier interface: "does this key's policy on chain X allow signing this message?".

Shaped like hot-validation-sdk and ape's `ProviderAPI` (STYLE.md): one abstract `ChainVerifier`,
one module per chain, and a quorum wrapper (`quorum.py`) that is itself a `ChainVerifier`.
Every failure is a typed `ChainError`; the only way to get an allow is a `Verdict` whose
`decision` is `Decision.ALLOW` (whitepaper §2.3: a failure is never an allow).
"""

from __future__ import annotations

import abc
import enum
import json
from dataclasses import dataclass, field

from hot.wire.errors import InvalidRequest, Vote

# Chain ids as HOT uses them (hot-validation-sdk `ChainId`); EVM chains use their native id.
NEAR_CHAIN_ID = 1010
SOLANA_CHAIN_ID = 1001
STELLAR_CHAIN_ID = 1100
TON_CHAIN_ID = 1111
NON_EVM_CHAIN_IDS = frozenset({NEAR_CHAIN_ID, SOLANA_CHAIN_ID, STELLAR_CHAIN_ID, TON_CHAIN_ID})

DEFAULT_METHOD = "hot_verify"
DEFAULT_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class AuthMethod:
    """One entry of a key's access list: which contract on which chain must say yes.

    `metadata` is the JSON string stored with the method; `{"method": "..."}` in it names the
    contract method to call instead of `hot_verify` (HOT's convention).
    """

    chain_id: int
    contract_id: str
    method: str = DEFAULT_METHOD
    metadata: str | None = None

    def method_name(self) -> str:
        """The contract method to call: metadata's `method` if it names one, else `method`."""
        if self.metadata:
            try:
                parsed = json.loads(self.metadata)
            except ValueError as exc:
                raise InvalidRequest(f"auth method metadata is not JSON: {exc}") from exc
            if isinstance(parsed, dict) and "method" in parsed:
                name = parsed["method"]
                if not isinstance(name, str) or not name:
                    raise InvalidRequest("auth method metadata 'method' must be a non-empty string")
                return name
        return self.method


class Decision(enum.Enum):
    ALLOW = "allow"
    DENY = "deny"
    DELEGATE = "delegate"


@dataclass(frozen=True)
class Delegation:
    """A NEAR policy's answer "ask this other contract": HOT's `{chain_id, contract_id, method, input}`.

    `input` becomes the `user_payload` of the delegated call.
    """

    chain_id: int
    contract_id: str
    method: str
    input: bytes

    def as_auth_method(self) -> AuthMethod:
        return AuthMethod(chain_id=self.chain_id, contract_id=self.contract_id, method=self.method)


@dataclass(frozen=True)
class Verdict:
    """A policy's answer. `dissent` lists endpoints whose vote differed from the decision."""

    decision: Decision
    delegation: Delegation | None = None
    endpoints: tuple[str, ...] = ()
    dissent: tuple[Vote, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    def key(self) -> str:
        """What endpoints must agree on: the decision and, for a delegation, its exact target."""
        if self.delegation is None:
            return self.decision.value
        d = self.delegation
        return f"delegate:{d.chain_id}:{d.contract_id}:{d.method}:{d.input.hex()}"

    @staticmethod
    def of_bool(allowed: bool, endpoint: str) -> Verdict:
        return Verdict(Decision.ALLOW if allowed else Decision.DENY, endpoints=(endpoint,))


@dataclass(frozen=True)
class VerifyRequest:
    """What a policy is asked about (whitepaper §2.3 step 3)."""

    msg_hash: bytes
    key_id: str
    user_payload: bytes
    msg_body: str = ""


class ChainVerifier(abc.ABC):
    """Ask one chain (one endpoint, or a quorum of them) for a policy's verdict."""

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A label for reports: the endpoint URL, or a description of a quorum."""

    @abc.abstractmethod
    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        """The policy's verdict, or a `ChainError` (never an allow on failure)."""

    async def aclose(self) -> None:
        """Release connections; the default holds none."""


def require_hash32(msg_hash: bytes) -> bytes:
    if not isinstance(msg_hash, (bytes, bytearray)) or len(msg_hash) != 32:
        raise InvalidRequest("msg_hash must be exactly 32 bytes")
    return bytes(msg_hash)
