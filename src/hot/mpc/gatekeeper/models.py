"""Request and response bodies of the public API (issue 8), as pydantic models for the OpenAPI.

`POST /v1/sign` takes `message` (one) or `messages` (a batch, one authorization pass per message),
never both. Hex is accepted in either case and normalized to lowercase. For secp256k1 each message
is the 32-byte hash to sign (and not zero modulo the group order, which ECDSA refuses).
"""

from __future__ import annotations

from typing import Annotated

from hot.wire.domains import DomainName as Domain
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

HEX_PATTERN = r"^([0-9a-fA-F]{2})*$"
HexString = Annotated[str, StringConstraints(pattern=HEX_PATTERN, max_length=131072)]


class SignRequestBody(BaseModel):
    """A signature request: the key, the scheme, the message(s) and one proof per auth method."""

    model_config = ConfigDict(extra="forbid")

    key_id: str = Field(min_length=1, max_length=256, description="The key's id in the Key Registry.")
    domain: Domain
    message: HexString | None = Field(default=None, description="One message (secp256k1: a 32-byte hash).")
    messages: list[HexString] | None = Field(default=None, min_length=1, description="A batch, signed in one call.")
    user_payloads: list[HexString] = Field(default_factory=list, max_length=16, description="One proof per auth method.")


class SignatureResult(BaseModel):
    """Ed25519: 64-byte R||S, 32-byte key, recovery_id null; secp256k1: 64-byte r||s (low s), 33-byte key."""

    signature: str = Field(description="hex")
    public_key: str = Field(description="hex")
    recovery_id: int | None


class BatchSignatureResult(BaseModel):
    """One result per message, in the order of `messages`."""

    signatures: list[SignatureResult]


class PublicKeyResult(BaseModel):
    public_key: str = Field(description="hex: Ed25519 32 bytes, secp256k1 33 bytes compressed")


class ErrorBody(BaseModel):
    """Every 4xx and 503: a stable `code` and a message a person can act on."""

    code: str
    message: str
