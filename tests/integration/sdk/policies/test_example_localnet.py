"""Examples end to end on the real localnet (`hot_localnet`: `hot localnet up` with 5 `hot node run`
processes at threshold 3, its gatekeeper and Key Registry): the example policies are deployed to the
localnet's NEAR chain, every node reads the access list from the Registry and calls the policy's
hot_verify over NEAR JSON-RPC, the nodes sign by FROST or threshold ECDSA, and HotClient checks
every signature against key_id's derived public key.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import coincurve
import httpx
import pytest
from hot.examples.policies import daily_limit, multisig, social_recovery
from hot.localnet.chain.chain import NEAR
from hot.near.signer import KeyPair, read_key_file
from hot.localnet.cluster.testing import LocalnetHandle
from hot.mpc.gatekeeper.health import common_presignature_counts
from hot.sdk.addresses import address_for
from hot.sdk.client import HotClient, access_method
from hot.sdk.client.signatures import SignatureResult
from hot.sdk.policies.rotation import ControllingKey
from nacl.signing import VerifyKey
from py_near import transactions
from py_near.account import Account

from hot.wire.errors import AuthorizationDenied, ContractError

from tests.support.evm_tx import RECIPIENT, STRANGER, eip1559, msg_hash
from tests.support.signers import Member, b58, payload

pytestmark = pytest.mark.integration
SOURCES = {  # account name -> contract source (the Key Registry is the localnet's own)
    "policymultisig": Path(multisig.__file__).parent / "contract.py",
    "policydaily": Path(daily_limit.__file__).parent / "contract.py",
    "policyrecovery": Path(social_recovery.__file__).parent / "contract.py",
}
ALICE, BOB, CAROL = Member("alice", "ed25519", 101), Member("bob", "secp256k1", 102), Member("carol", "bip340", 103)
OWNER, NEW_OWNER = Member("owner", "ed25519", 104), Member("owner", "secp256k1", 105)
GUARDIANS = (Member("g1", "ed25519", 106), Member("g2", "ed25519", 107), Member("g3", "ed25519", 108))


def init_args() -> dict[str, dict[str, Any]]:
    return {
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


class WarmClient(HotClient):
    """HotClient that waits, before an ECDSA request, until the nodes hold a common presignature:
    the localnet's nodes keep only a couple per signer set and refill them in the background."""

    def __init__(self, *args: Any, nodes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = nodes

    def sign(self, key_id: str, domain: Any, message: bytes, user_payloads: Sequence[bytes] = ()) -> SignatureResult:
        if domain == "secp256k1":
            wait_for_presignature(self.nodes)
        return super().sign(key_id, domain, message, user_payloads)


def wait_for_presignature(nodes: list[dict[str, Any]], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        reports = [(n["participant_id"], httpx.get(n["url"] + "/health", timeout=5, trust_env=False)
                    .json().get("presignatures", {})) for n in nodes]
        if max(common_presignature_counts(reports).values(), default=0) >= 1:
            return
        assert time.monotonic() < deadline, "no presignature on any signer set"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def near_rpc(hot_localnet: LocalnetHandle) -> Any:
    """The localnet chain's RPC and root account, in the shape deploy_all expects."""
    account_id, key = read_key_file(hot_localnet.root_key_file)
    return SimpleNamespace(url=hot_localnet.near_rpc, root_account=account_id, root_secret_key=key.secret)


@pytest.fixture(scope="module")
def hot(hot_localnet: LocalnetHandle, near_rpc: Any) -> Iterator[HotClient]:
    """HotClient against the real localnet: its gatekeeper, 5 node processes and Key Registry."""
    secrets = asyncio.run(deploy_all(near_rpc))
    user = f"policyuser.{near_rpc.root_account}"
    status = hot_localnet.status
    with WarmClient(status["gatekeeper"], status["api_key"], status["near_rpc"], near_account_id=user,
                    near_private_key=secrets[user], registry_id=status["contracts"]["registry"], timeout_s=60,
                    root_public_keys={d: bytes.fromhex(k) for d, k in status["controller"]["domains"].items()},
                    nodes=status["nodes"]) as client:
        yield client


def wait_until_final(rpc_url: str, timeout: float = 30.0) -> None:
    """Every transaction sent so far is final: the nodes read access lists and call hot_verify at
    `final` finality (src/hot/mpc/chains/near.py), so a policy change counts only from then on."""
    def height(finality: str) -> int:
        body = httpx.post(rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "block", "params": {"finality": finality}},
                          timeout=10, trust_env=False).json()
        return int(body["result"]["header"]["height"])

    target, deadline = height("optimistic"), time.monotonic() + timeout
    while height("final") < target:
        assert time.monotonic() < deadline, "the chain did not finalize"
        time.sleep(0.05)


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
    wait_until_final(near_rpc.url)
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
    seen = hashlib.sha256(message).digest()  # the msg_hash hot_verify gets for an Ed25519 message: its SHA-256
    hot.sign(key_id, "ed25519", message, [payload(seen, OWNER).encode()])
    digest = ControllingKey(OWNER.key).rotation_digest(wallet, NEW_OWNER.key)
    hot.near.call(wallet, "rotate", {"new_key": NEW_OWNER.json(), "current_signature": OWNER.sign(digest).hex(),
                                     "new_signature": NEW_OWNER.sign(digest).hex()})
    wait_until_final(near_rpc.url)
    # the old seed no longer controls the key (a new message: the identical earlier request would
    # be answered from the gatekeeper's idempotency cache with the signature it already made)
    later = hashlib.sha256(b"a later NEAR transaction").digest()
    with pytest.raises(AuthorizationDenied):
        hot.sign(key_id, "ed25519", later, [payload(hashlib.sha256(later).digest(), OWNER).encode()])
    after = hot.sign(key_id, "ed25519", message, [payload(seen, NEW_OWNER).encode()])
    VerifyKey(public).verify(message, after.signature)  # the key from before the rotation: nothing moved
    assert hot.derive_public_key(key_id, "ed25519") == public
    assert hot.addresses(key_id, network="regtest") == addresses
