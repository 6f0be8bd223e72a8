"""`HotClient`: what a dApp does with HOT, in one object (whitepaper §2.1, §2.3).

- Keys: `reserve_key` and `set_access_list` send transactions to the Key Registry over NEAR RPC
  (hot.near, at final finality); `get_key` / `get_wallet` read it.
- Public keys and addresses: `public_key` asks the gatekeeper (`GET /v1/keys/{key_id}/public_key`)
  and, when the root public keys are known, derives the same key locally
  (`hot.mpc.crypto.derivation.derive_public_key`) and insists they agree; `derive_public_key`
  is the local path alone. `addresses` turns both domains' keys into chain addresses.
- Signing: `sign` / `sign_batch` send `POST /v1/sign` with one `user_payload` per authorization
  method, then verify every signature locally under key_id's public key before returning it.

Every gatekeeper error code becomes its class (hot.sdk.client.errors); HTTP has timeouts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx
from hot.mpc.crypto.derivation import derive_public_key as derive_point
from hot.mpc.crypto.suites import get_suite
from hot.sdk.addresses import (
    bitcoin_p2wpkh,
    evm_address,
    near_implicit_account,
    solana_address,
    stellar_account_id,
)
from hot.sdk.client.errors import GatekeeperError, KeyMismatch, error_from_response
from hot.sdk.client.localnet_status import localnet_status
from hot.sdk.client.near import NearSession
from hot.sdk.client.registry import (
    AccessList,
    ReservedKey,
    key_id_of,
    reserve_args,
    update_args,
)
from hot.sdk.client.signatures import DOMAINS, Domain, SignatureResult, verify_signature
from nacl.signing import SigningKey

from hot.wire.domains import is_domain_name
from hot.wire.errors import ContractCode as E, ContractError, EncodingError, NearRpcError

DEFAULT_TIMEOUT_S = 30.0  # a signature needs nodes to call hot_verify on chains: allow for it
DEFAULT_REGISTRY = "registry.test.near"


class HotClient:
    """A gatekeeper API key, optionally a NEAR account for the Registry, and the root public keys."""

    def __init__(
        self,
        gatekeeper_url: str,
        api_key: str,
        near_rpc: str | None = None,
        *,
        near_account_id: str | None = None,
        near_private_key: str | None = None,
        registry_id: str = DEFAULT_REGISTRY,
        root_public_keys: Mapping[str, bytes] | None = None,
        cross_check: bool = True,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.gatekeeper_url = gatekeeper_url.rstrip("/")
        self.registry_id = registry_id
        self.root_public_keys = dict(root_public_keys or {})
        self.cross_check = cross_check
        self._http = httpx.Client(base_url=self.gatekeeper_url, timeout=httpx.Timeout(timeout_s, connect=5.0),
                                  headers={"Authorization": f"Bearer {api_key}"}, transport=transport)
        self._near = NearSession(near_rpc, near_account_id, near_private_key) if near_rpc else None
        self._public_keys: dict[tuple[str, str], bytes] = {}

    @classmethod
    def from_localnet(cls, data_dir: Path | None = None, **kwargs: Any) -> Self:
        """A client for the running localnet (its status.json: gatekeeper, api_key, near_rpc)."""
        status = localnet_status(data_dir)
        if not status.get("gatekeeper") or not status.get("api_key"):
            raise GatekeeperError(f"no localnet status.json with a gatekeeper under {data_dir or 'the default dir'}")
        contracts = status.get("contracts")
        if isinstance(contracts, dict) and contracts.get("registry"):
            kwargs.setdefault("registry_id", contracts["registry"])
        return cls(str(status["gatekeeper"]), str(status["api_key"]), status.get("near_rpc"), **kwargs)

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()
        if self._near is not None:
            self._near.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- gatekeeper ----------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise GatekeeperError(f"{self.gatekeeper_url}{path}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200:
            raise error_from_response(response.status_code, body, response.text)
        if not isinstance(body, dict):
            raise GatekeeperError(f"{path}: expected a JSON object, got {response.text[:200]!r}")
        return body

    def gatekeeper_public_key(self, key_id: str, domain: Domain) -> bytes:
        """key_id's public key as the gatekeeper reports it (no local check)."""
        path = f"/v1/keys/{quote(key_id, safe='')}/public_key"
        body = self._request("GET", path, params={"domain": _domain(domain)})
        suite = get_suite(domain)
        try:
            key = bytes.fromhex(body["public_key"])
            suite.deserialize_element(key)  # a valid, non-identity point of the domain's group
        except (KeyError, TypeError, ValueError) as exc:  # EncodingError is a ValueError
            raise GatekeeperError(f"malformed {domain} public key answer: {body!r:.200}") from exc
        return key

    def derive_public_key(self, key_id: str, domain: Domain) -> bytes:
        """key_id's public key derived locally from the domain's root public key (no network)."""
        root = self.root_public_keys.get(_domain(domain))
        if root is None:
            raise ValueError(f"no {domain} root public key configured; pass root_public_keys")
        suite = get_suite(domain)
        return suite.serialize_element(derive_point(suite, suite.deserialize_element(root), key_id))

    def public_key(self, key_id: str, domain: Domain) -> bytes:
        """key_id's public key (Ed25519: 32 bytes; secp256k1: 33 compressed), cached.

        With the domain's root key known it is derived locally, and (with `cross_check`, the
        default) the gatekeeper's answer must agree (KeyMismatch otherwise), so a lying gatekeeper
        cannot substitute a key. Without a root key it is the gatekeeper's answer.
        """
        cached = self._public_keys.get((key_id, domain))
        if cached is not None:
            return cached
        if _domain(domain) in self.root_public_keys:
            key = self.derive_public_key(key_id, domain)
            if self.cross_check:
                reported = self.gatekeeper_public_key(key_id, domain)
                if reported != key:
                    raise KeyMismatch(f"gatekeeper says {reported.hex()}, derivation gives {key.hex()} for {key_id}")
        else:
            key = self.gatekeeper_public_key(key_id, domain)
        self._public_keys[(key_id, domain)] = key
        return key

    def addresses(self, key_id: str, *, network: str = "mainnet") -> dict[str, str]:
        """key_id's addresses: bitcoin (P2WPKH) and evm from secp256k1; solana, near, stellar from ed25519."""
        secp, ed = self.public_key(key_id, "secp256k1"), self.public_key(key_id, "ed25519")
        return {"bitcoin": bitcoin_p2wpkh(secp, network), "evm": evm_address(secp), "solana": solana_address(ed),
                "near": near_implicit_account(ed), "stellar": stellar_account_id(ed)}

    def sign(self, key_id: str, domain: Domain, message: bytes, user_payloads: Sequence[bytes] = ()) -> SignatureResult:
        """One signature over `message` (secp256k1: the 32-byte hash), verified locally before return."""
        body = self._request("POST", "/v1/sign", json={
            "key_id": key_id, "domain": _domain(domain), "message": bytes(message).hex(),
            "user_payloads": [bytes(p).hex() for p in user_payloads]})
        result = _result(body)
        verify_signature(domain, self.public_key(key_id, domain), bytes(message), result)
        return result

    def sign_batch(self, key_id: str, domain: Domain, messages: Sequence[bytes],
                   user_payloads: Sequence[bytes] = ()) -> list[SignatureResult]:
        """One call for many messages (e.g. every input of a Bitcoin spend); results in order, each verified."""
        if not messages:
            raise ValueError("a batch holds at least one message")
        body = self._request("POST", "/v1/sign", json={
            "key_id": key_id, "domain": _domain(domain), "messages": [bytes(m).hex() for m in messages],
            "user_payloads": [bytes(p).hex() for p in user_payloads]})
        raw = body.get("signatures")
        if not isinstance(raw, list) or len(raw) != len(messages):
            raise GatekeeperError(f"expected {len(messages)} signatures, got {body!r:.200}")
        results = [_result(r) for r in raw]
        expected = self.public_key(key_id, domain)
        for message, result in zip(messages, results, strict=True):
            verify_signature(domain, expected, bytes(message), result)
        return results

    # -- Key Registry over NEAR RPC ------------------------------------------------------------

    @property
    def near(self) -> NearSession:
        if self._near is None:
            raise NearRpcError("this client has no NEAR RPC: pass near_rpc")
        return self._near

    def reserve_key(self, access_list: AccessList, root_key: SigningKey | None = None) -> ReservedKey:
        """Reserve key_id = base58(SHA-256(SHA-256(root key))) with its first access list.

        `root_key` defaults to a fresh random Ed25519 key; keep `ReservedKey.root_key` to change
        the list later. The NEAR account sending the transaction becomes the key's owner.
        """
        root = root_key or SigningKey.generate()
        owner = self.near.account_id or ""
        key_id = self.near.call(self.registry_id, "reserve_key", reserve_args(root, owner, self.registry_id, access_list))
        if key_id != key_id_of(bytes(root.verify_key)):
            raise ContractError(E.UNEXPECTED_KEY_ID, f"registry returned {key_id!r}, expected {key_id_of(bytes(root.verify_key))}")
        return ReservedKey(key_id, root)

    def set_access_list(self, key_id: str, access_list: AccessList, *, root_key: SigningKey | None = None,
                        user_payloads: Sequence[str] | None = None) -> int:
        """Replace key_id's access list, authorized by the root key or by the current methods' payloads.

        With `user_payloads`, each current method's hot_verify sees msg_hash =
        `registry.update_msg_hash(registry_id, key_id, nonce, access_list)`. Returns the new nonce.
        """
        record = self.get_key(key_id)
        if record is None:
            raise ContractError(E.UNKNOWN_KEY, f"{key_id} is not reserved in {self.registry_id}")
        args = update_args(self.registry_id, key_id, int(record["nonce"]), access_list, root_key=root_key,
                           user_payloads=user_payloads)
        return int(self.near.call(self.registry_id, "update_access_list", args))

    def get_key(self, key_id: str) -> dict[str, Any] | None:
        """The Registry's full record: owner, root_public_key, access_list, nonce (None if not reserved)."""
        result: dict[str, Any] | None = self.near.view(self.registry_id, "get_key", {"key_id": key_id})
        return result

    def get_wallet(self, key_id: str) -> dict[str, Any] | None:
        """HOT's get_wallet shape: {access_list: [{account_id, chain_id, metadata}], key_gen, block_height}."""
        result: dict[str, Any] | None = self.near.view(self.registry_id, "get_wallet", {"wallet_id": key_id})
        return result


def _result(body: Any) -> SignatureResult:
    try:
        return SignatureResult.from_json(body)
    except EncodingError as exc:
        raise GatekeeperError(f"malformed signature result: {exc}") from exc


def _domain(domain: str) -> Domain:
    if not is_domain_name(domain):
        raise ValueError(f"domain is one of {DOMAINS}, not {domain!r}")
    return domain


__all__ = ["DEFAULT_REGISTRY", "HotClient"]
