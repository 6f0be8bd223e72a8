"""Examples end to end on the localnet: the real NEAR JSON-RPC chain, the Key Registry, the node's
own authorization parts (NearRegistryClient reads the access list, NearVerifier calls hot_verify
over RPC), a gatekeeper with real threshold signing (tests/client/threshold_gatekeeper.py), and
HotClient, which checks every signature against key_id's derived public key.

Stand-in: the gatekeeper is the test one until `hot localnet up` runs real node processes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import coincurve
import pytest
from client.threshold_gatekeeper import ThresholdGatekeeper
from hot.localnet.chain.chain import NEAR
from hot.localnet.chain.signer import KeyPair
from hot.localnet.serve import ServerThread
from hot.mpc.chains.near import NearVerifier
from hot.mpc.node.registry_client import NearRegistryClient
from hot.sdk.addresses import address_for
from hot.sdk.client import HotClient, access_method
from hot.sdk.client.signatures import SignatureResult
from hot.sdk.policies.rotation import ControllingKey
from nacl.signing import VerifyKey
from py_near import transactions
from py_near.account import Account

from hot.errors import AuthorizationDenied, ContractError

from .contracts.evm_tx import RECIPIENT, STRANGER, eip1559, msg_hash
from .contracts.signers import Member, b58, payload

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SOURCES = {  # account name -> contract source
    "policyregistry": REPO / "contracts" / "registry.py",
    "policymultisig": REPO / "examples" / "policies" / "multisig" / "contract.py",
    "policydaily": REPO / "examples" / "policies" / "daily_limit" / "contract.py",
    "policyrecovery": REPO / "examples" / "policies" / "social_recovery" / "contract.py",
}
API_KEY = "test-api-key"
ALICE, BOB, CAROL = Member("alice", "ed25519", 101), Member("bob", "secp256k1", 102), Member("carol", "bip340", 103)
OWNER, NEW_OWNER = Member("owner", "ed25519", 104), Member("owner", "secp256k1", 105)
GUARDIANS = (Member("g1", "ed25519", 106), Member("g2", "ed25519", 107), Member("g3", "ed25519", 108))


def init_args() -> dict[str, dict[str, Any]]:
    return {
        "policyregistry": {},
        "policymultisig": {"signers": [ALICE.json(), BOB.json(), CAROL.json()]},
        "policydaily": {
            "owner": OWNER.json(),
            "limits": [{"chain": "evm", "network": "1", "asset": "native", "amount": 10**18, "period_s": 86_400}],
            "destinations": [{"chain": "evm", "address": RECIPIENT}],
            "calls": [],
        },
        "policyrecovery": {"owner": OWNER.json(), "guardians": [g.json() for g in GUARDIANS], "threshold": 2,
                           "delay_s": 86_400},
    }


async def deploy_all(rpc: Any) -> dict[str, str]:
    """Create one account per contract (plus the user's) and deploy + initialize each."""
    root = Account(rpc.root_account, rpc.root_secret_key, rpc_addr=rpc.url)
    await root.startup()
    secrets: dict[str, str] = {}
    try:
        for name in (*SOURCES, "policyuser"):
            key = KeyPair.from_seed(f"hot-policy-examples/{name}".encode())
            account_id = f"{name}.{rpc.root_account}"
            created = await root.create_account(account_id, str(key.public_key), 50 * NEAR)
            assert created.status == {"SuccessValue": ""}, created.status
            secrets[account_id] = key.secret
    finally:
        await root.shutdown()
    args = init_args()
    for name, source in SOURCES.items():
        account_id = f"{name}.{rpc.root_account}"
        owner = Account(account_id, secrets[account_id], rpc_addr=rpc.url)
        await owner.startup()
        try:
            result = await owner.sign_and_submit_tx(account_id, [
                transactions.create_deploy_contract_action(source.read_bytes()),
                transactions.create_function_call_action("new", json.dumps(args[name]).encode(), 10**14, 0)])
            assert result.status == {"SuccessValue": ""}, result.status
        finally:
            await owner.shutdown()
    return secrets


class NodeAuthorization:
    """What an MPC node checks before signing: the Registry's access list, then every hot_verify."""

    def __init__(self, rpc_url: str, registry: str) -> None:
        self.rpc_url, self.registry = rpc_url, registry

    async def _methods(self, key_id: str) -> list[Any] | None:
        client = NearRegistryClient(self.rpc_url, self.registry)
        try:
            return await client.access_list(key_id)  # type: ignore[no-any-return]
        finally:
            await client.aclose()

    def known(self, key_id: str) -> bool:
        return asyncio.run(self._methods(key_id)) is not None

    def authorize(self, key_id: str, domain: str, message: bytes, payloads: Sequence[bytes]) -> bool:
        async def check() -> bool:
            methods = await self._methods(key_id) or []
            if not methods or len(payloads) != len(methods):
                return False
            verifier = NearVerifier(self.rpc_url)
            try:
                verdicts = [await verifier.verify(m, message, key_id, p) for m, p in zip(methods, payloads)]
            finally:
                await verifier.aclose()
            return all(v.allowed for v in verdicts)

        return asyncio.run(check())


@pytest.fixture(scope="module")
def hot(near_rpc: Any) -> Iterator[HotClient]:
    secrets = asyncio.run(deploy_all(near_rpc))
    suffix = near_rpc.root_account
    authorization = NodeAuthorization(near_rpc.url, f"policyregistry.{suffix}")
    gatekeeper = ThresholdGatekeeper(authorization.authorize, authorization.known)
    with ServerThread(gatekeeper.app()) as server:
        gatekeeper.url = server.url
        roots = {d: gatekeeper.root_public_key(d) for d in ("ed25519", "secp256k1")}
        user = f"policyuser.{suffix}"
        with HotClient(server.url, API_KEY, near_rpc.url, near_account_id=user, near_private_key=secrets[user],
                       registry_id=f"policyregistry.{suffix}", root_public_keys=roots, timeout_s=20) as client:
            yield client


def recovered_key(result: SignatureResult, message: bytes) -> bytes:
    """The secp256k1 key that made a signature (r||s plus the gatekeeper's recovery id)."""
    recoverable = result.signature[:64] + bytes([result.recovery_id or 0])
    return coincurve.PublicKey.from_signature_and_message(recoverable, message, hasher=None).format()


def test_a_2_of_3_multisig_key_signs_only_with_two_signatures(hot: HotClient, near_rpc: Any) -> None:
    key_id = hot.reserve_key([access_method(f"policymultisig.{near_rpc.root_account}")]).key_id
    sighash = hashlib.sha256(b"bitcoin sighash").digest()
    result = hot.sign(key_id, "secp256k1", sighash, [payload(sighash, ALICE, CAROL).encode()])
    assert recovered_key(result, sighash) == hot.public_key(key_id, "secp256k1")  # a plain single-key signature
    with pytest.raises(AuthorizationDenied):
        hot.sign(key_id, "secp256k1", sighash, [payload(sighash, BOB).encode()])


def test_a_daily_limit_key_signs_an_approved_evm_transaction_and_nothing_more(hot: HotClient, near_rpc: Any) -> None:
    daily = f"policydaily.{near_rpc.root_account}"
    key_id = hot.reserve_key([access_method(daily)]).key_id
    tx = eip1559(RECIPIENT, 6 * 10**17)
    digest = msg_hash(tx)
    user_payload = payload(digest, OWNER).encode()
    with pytest.raises(AuthorizationDenied):  # not approved yet
        hot.sign(key_id, "secp256k1", digest, [user_payload])
    hot.near.call(daily, "approve", {"chain": "evm", "preimage": tx.hex(), "msg_hash": b58(digest),
                                     "owner_signature": OWNER.sign(digest).hex()})
    result = hot.sign(key_id, "secp256k1", digest, [user_payload])
    sender = address_for("evm", recovered_key(result, digest))
    assert sender == hot.addresses(key_id)["evm"]  # the approved transaction is sent from key_id's address
    over = eip1559(RECIPIENT, 5 * 10**17, nonce=8)
    with pytest.raises(ContractError) as refused:
        hot.near.call(daily, "approve", {"chain": "evm", "preimage": over.hex(), "msg_hash": b58(msg_hash(over)),
                                         "owner_signature": OWNER.sign(msg_hash(over)).hex()})
    assert refused.value.error_code == "E_LIMIT_EXCEEDED"
    with pytest.raises(AuthorizationDenied):
        hot.sign(key_id, "secp256k1", msg_hash(over), [payload(msg_hash(over), OWNER).encode()])
    stranger = eip1559(STRANGER, 1)
    with pytest.raises(ContractError) as denied:
        hot.near.call(daily, "approve", {"chain": "evm", "preimage": stranger.hex(),
                                         "msg_hash": b58(msg_hash(stranger)),
                                         "owner_signature": OWNER.sign(msg_hash(stranger)).hex()})
    assert denied.value.error_code == "E_DESTINATION_NOT_ALLOWED"


def test_seed_rotation_moves_control_and_keeps_every_address(hot: HotClient, near_rpc: Any) -> None:
    wallet = f"policyrecovery.{near_rpc.root_account}"
    key_id = hot.reserve_key([access_method(wallet)]).key_id
    addresses, public = hot.addresses(key_id, network="regtest"), hot.public_key(key_id, "ed25519")
    message = hashlib.sha256(b"a NEAR transaction").digest()
    hot.sign(key_id, "ed25519", message, [payload(message, OWNER).encode()])
    digest = ControllingKey(OWNER.key).rotation_digest(wallet, NEW_OWNER.key)
    hot.near.call(wallet, "rotate", {"new_key": NEW_OWNER.json(), "current_signature": OWNER.sign(digest).hex(),
                                     "new_signature": NEW_OWNER.sign(digest).hex()})
    with pytest.raises(AuthorizationDenied):  # the old seed no longer controls the key
        hot.sign(key_id, "ed25519", message, [payload(message, OWNER).encode()])
    after = hot.sign(key_id, "ed25519", message, [payload(message, NEW_OWNER).encode()])
    VerifyKey(public).verify(message, after.signature)  # the key from before the rotation: nothing moved
    assert hot.derive_public_key(key_id, "ed25519") == public
    assert hot.addresses(key_id, network="regtest") == addresses
