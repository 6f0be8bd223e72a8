"""A localnet for the client tests: the real NEAR RPC with the Registry and the passkey contract, and a gatekeeper.

A conftest registers these fixtures with `from tests.support.client_fixtures import *`; each such folder
gets its own `near_rpc` (imported here), so the session's accounts are created once per chain.

The gatekeeper is tests/support/threshold_gatekeeper.py (the documented routes, real FROST and
threshold-ECDSA signatures from hot.mpc.crypto). It authorizes exactly as an MPC node does, with
the node's own parts: `NearRegistryClient` reads the key's access list from the Registry and
`NearVerifier` calls each method's `hot_verify` over the RPC.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hot.contracts
import hot.examples.passkey_wallet
import pytest
from hot.localnet.chain.chain import NEAR
from hot.near.signer import KeyPair
from hot.localnet.serve import ServerThread
from hot.sdk.client import HotClient, access_method
from hot.sdk.policies.passkey import PasskeyProof, batch_challenge
from hot.sdk.testing import near_rpc
from nacl.signing import SigningKey
from py_near import transactions
from py_near.account import Account

from .assertions import Authenticator
from .authorizer import NodeAuthorizer
from .real_gatekeeper import API_KEY as REAL_API_KEY
from .real_gatekeeper import RealGatekeeper, real_gatekeeper
from .threshold_gatekeeper import ThresholdGatekeeper

REGISTRY_SOURCE = Path(hot.contracts.__file__).parent / "registry.py"
PASSKEY_SOURCE = Path(hot.examples.passkey_wallet.__file__).parent / "contract.py"
API_KEY = "test-api-key"
# What a conftest's `import *` registers: the fixtures, `near_rpc` with them (a chain per folder), and
# `_gatekeeper_server`, which `*` alone would skip for its underscore.
__all__ = ["near_rpc", "localnet", "_gatekeeper_server", "gatekeeper", "client", "wallet", "real_gk", "real_client"]


@dataclass(frozen=True)
class NearAccount:
    account_id: str
    secret: str  # "ed25519:<base58>"


@dataclass(frozen=True)
class Localnet:
    rpc_url: str
    registry: str
    passkey_contract: str
    alice: NearAccount
    mallory: NearAccount


async def _setup(rpc: object) -> Localnet:
    root = Account(rpc.root_account, rpc.root_secret_key, rpc_addr=rpc.url)  # type: ignore[attr-defined]
    await root.startup()
    accounts = {}
    try:
        for name in ("clientregistry", "clientpasskey", "clientalice", "clientmallory"):
            key = KeyPair.from_seed(f"hot-client-tests/{name}".encode())
            account_id = f"{name}.{rpc.root_account}"  # type: ignore[attr-defined]
            created = await root.create_account(account_id, str(key.public_key), 50 * NEAR)
            assert created.status == {"SuccessValue": ""}, created.status
            accounts[name] = NearAccount(account_id, key.secret)
        registry, passkey = accounts["clientregistry"], accounts["clientpasskey"]
        await _deploy(rpc, registry, REGISTRY_SOURCE, {})
        await _deploy(rpc, passkey, PASSKEY_SOURCE, {"registry": registry.account_id})
    finally:
        await root.shutdown()
    return Localnet(rpc.url, registry.account_id, passkey.account_id,  # type: ignore[attr-defined]
                    accounts["clientalice"], accounts["clientmallory"])


async def _deploy(rpc: object, account: NearAccount, source: Path, init_args: dict[str, object]) -> None:
    owner = Account(account.account_id, account.secret, rpc_addr=rpc.url)  # type: ignore[attr-defined]
    await owner.startup()
    try:
        result = await owner.sign_and_submit_tx(account.account_id, [
            transactions.create_deploy_contract_action(source.read_bytes()),
            transactions.create_function_call_action("new", json.dumps(init_args).encode(), 10**14, 0)])
        assert result.status == {"SuccessValue": ""}, result.status
    finally:
        await owner.shutdown()


@pytest.fixture(scope="session")
def localnet(near_rpc: object) -> Localnet:  # near_rpc: the hot.sdk.testing plugin's real RPC server
    return asyncio.run(_setup(near_rpc))


@pytest.fixture(scope="session")
def _gatekeeper_server(localnet: Localnet) -> Iterator[tuple[ThresholdGatekeeper, str]]:
    authorizer = NodeAuthorizer(localnet.rpc_url, localnet.registry)
    gatekeeper = ThresholdGatekeeper(authorizer.authorize, authorizer.known)
    with ServerThread(gatekeeper.app()) as server:
        yield gatekeeper, server.url


@pytest.fixture
def gatekeeper(_gatekeeper_server: tuple[ThresholdGatekeeper, str]) -> Iterator[ThresholdGatekeeper]:
    """The session's gatekeeper with its knobs and quota reset after each test."""
    gatekeeper, url = _gatekeeper_server
    gatekeeper.url = url
    yield gatekeeper
    gatekeeper.tamper, gatekeeper.nodes_down, gatekeeper.public_key_answer = None, False, None
    gatekeeper.api_keys = {API_KEY: 1000}
    gatekeeper.requests.clear()


@pytest.fixture
def client(gatekeeper: ThresholdGatekeeper, localnet: Localnet) -> Iterator[HotClient]:
    """Alice's client: her NEAR account for the Registry, the gatekeeper, and the root public keys."""
    roots = {d: gatekeeper.root_public_key(d) for d in ("ed25519", "secp256k1")}
    with HotClient(gatekeeper.url, API_KEY, localnet.rpc_url, near_account_id=localnet.alice.account_id,
                   near_private_key=localnet.alice.secret, registry_id=localnet.registry,
                   root_public_keys=roots, timeout_s=20) as hot:
        yield hot


@dataclass
class PasskeyKey:
    key_id: str
    root: SigningKey
    passkey: Authenticator

    def payload(self, messages: list[bytes], **kwargs: Any) -> bytes:
        assertion = self.passkey.assert_challenge(batch_challenge(messages), **kwargs)
        return PasskeyProof(assertion, tuple(messages)).to_user_payload()


@pytest.fixture
def wallet(client: HotClient, localnet: Localnet) -> PasskeyKey:
    """A key reserved by alice whose access list is the passkey contract, with a passkey bound."""
    reserved = client.reserve_key([access_method(localnet.passkey_contract)])
    passkey = Authenticator()
    client.near.call(localnet.passkey_contract, "bind_passkey",
                     {"key_id": reserved.key_id, "credential": passkey.credential().to_json()})
    return PasskeyKey(reserved.key_id, reserved.root_key, passkey)


@pytest.fixture(scope="session")
def real_gk(localnet: Localnet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealGatekeeper]:
    """hot.mpc.gatekeeper's app over harness nodes that authorize through the Registry and hot_verify."""
    database = tmp_path_factory.mktemp("real-gatekeeper") / "gatekeeper.db"
    with real_gatekeeper(NodeAuthorizer(localnet.rpc_url, localnet.registry), database) as running:
        yield running


@pytest.fixture
def real_client(real_gk: RealGatekeeper, localnet: Localnet) -> Iterator[HotClient]:
    """Alice's client against the real gatekeeper, checking its public keys against local derivation."""
    with HotClient(real_gk.url, REAL_API_KEY, localnet.rpc_url, near_account_id=localnet.alice.account_id,
                   near_private_key=localnet.alice.secret, registry_id=localnet.registry,
                   root_public_keys=real_gk.root_public_keys) as hot:
        yield hot
