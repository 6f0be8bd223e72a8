"""Tests only: a WalletSigner that stands in for HOT until the gatekeeper exists.

It does what the network will do, in one process: keys derived per key_id (HMAC of a seed, so
they are stable), a binding table standing in for the key-owner contract, and before every
signature the passkey policy's hot_verify core (`verify_message`) over the relayed user_payload.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Sequence

import coincurve

from hot.wire.errors import AuthorizationDenied, UnknownKey
from hot.sdk.policies.passkey import PasskeyCredential, PasskeyProof, verify_message


class StandInSigner:
    def __init__(self, seed: bytes = b"stand-in root") -> None:
        self._seed = seed
        self._counter = itertools.count(1)
        self._keys: set[str] = set()
        self.bindings: dict[str, PasskeyCredential] = {}
        self.signed: list[bytes] = []

    def _secret(self, key_id: str) -> coincurve.PrivateKey:
        if key_id not in self._keys:
            raise UnknownKey(f"no key {key_id!r}")
        return coincurve.PrivateKey(hmac.new(self._seed, key_id.encode(), hashlib.sha256).digest())

    def reserve_key(self) -> str:
        key_id = f"wallet-{next(self._counter)}"
        self._keys.add(key_id)
        return key_id

    def public_key(self, key_id: str) -> bytes:
        return self._secret(key_id).public_key.format()

    def bind_passkey(self, key_id: str, credential: PasskeyCredential) -> None:
        self._secret(key_id)
        self.bindings[key_id] = credential

    def sign_batch(self, key_id: str, messages: Sequence[bytes], user_payload: bytes) -> list[bytes]:
        credential = self.bindings.get(key_id)
        if credential is None:
            raise AuthorizationDenied(f"{key_id} has no passkey bound")
        proof = PasskeyProof.from_user_payload(user_payload)
        for message in messages:  # every node runs hot_verify for every message before signing
            verify_message(credential, proof, message)
        key = self._secret(key_id)
        self.signed.extend(messages)
        return [key.sign_recoverable(m, hasher=None) for m in messages]
