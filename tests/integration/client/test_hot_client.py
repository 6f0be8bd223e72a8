"""HotClient end to end: Registry over NEAR RPC, gatekeeper routes, passkey hot_verify, local verification."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import coincurve
import pytest
from hot.sdk.addresses import address_for
from hot.sdk.client import (
    BadRequest,
    HotClient,
    InvalidSignature,
    KeyMismatch,
    NodesUnavailable,
    Unauthorized,
    UnknownKey,
    access_method,
    update_msg_hash,
)
from hot.sdk.client.errors import GatekeeperError, error_from_response
from hot.sdk.policies.passkey import PasskeyProof
from nacl.signing import SigningKey, VerifyKey

from hot.wire.errors import AuthorizationDenied, ContractError, QuotaExceeded

from tests.support.client_fixtures import API_KEY, Localnet, PasskeyKey
from tests.support.threshold_gatekeeper import ThresholdGatekeeper

pytestmark = pytest.mark.integration
SIGHASHES = [hashlib.sha256(b"input %d" % i).digest() for i in range(3)]


def test_public_keys_from_the_gatekeeper_match_local_derivation(client: HotClient, wallet: PasskeyKey) -> None:
    for domain, size in (("ed25519", 32), ("secp256k1", 33)):
        key = client.public_key(wallet.key_id, domain)  # type: ignore[arg-type]
        assert len(key) == size and key == client.derive_public_key(wallet.key_id, domain)  # type: ignore[arg-type]
    addresses = client.addresses(wallet.key_id, network="regtest")
    assert set(addresses) == {"bitcoin", "evm", "solana", "near", "stellar"}
    assert addresses["bitcoin"].startswith("bcrt1q") and addresses["evm"].startswith("0x")
    assert addresses["near"] == client.public_key(wallet.key_id, "ed25519").hex()
    assert addresses["solana"] == address_for("solana", client.public_key(wallet.key_id, "ed25519"))


def test_a_gatekeeper_reporting_another_key_is_caught(gatekeeper: ThresholdGatekeeper, localnet: Localnet,
                                                      wallet: PasskeyKey) -> None:
    wrong_roots = {"secp256k1": coincurve.PrivateKey().public_key.format()}
    with HotClient(gatekeeper.url, API_KEY, root_public_keys=wrong_roots) as lied_to:
        with pytest.raises(KeyMismatch):
            lied_to.public_key(wallet.key_id, "secp256k1")
        assert len(lied_to.public_key(wallet.key_id, "ed25519")) == 32  # no root known: the gatekeeper's word
    gatekeeper.public_key_answer = coincurve.PrivateKey().public_key.format().hex()
    with HotClient(gatekeeper.url, API_KEY, root_public_keys={"secp256k1": gatekeeper.root_public_key("secp256k1")}) \
            as checking, pytest.raises(KeyMismatch):
        checking.public_key(wallet.key_id, "secp256k1")
    gatekeeper.public_key_answer = "02" + "00" * 32  # x = 0 is not on secp256k1
    with HotClient(gatekeeper.url, API_KEY) as trusting, pytest.raises(GatekeeperError):
        trusting.public_key(wallet.key_id, "secp256k1")


def test_sign_and_sign_batch_are_authorized_by_the_passkey(client: HotClient, wallet: PasskeyKey) -> None:
    single = client.sign(wallet.key_id, "secp256k1", SIGHASHES[0], [wallet.payload(SIGHASHES[:1])])
    public = client.public_key(wallet.key_id, "secp256k1")
    assert coincurve.PublicKey(public).verify(_der(single.signature), SIGHASHES[0], hasher=None)
    batch = client.sign_batch(wallet.key_id, "secp256k1", SIGHASHES, [wallet.payload(SIGHASHES)])
    assert [r.public_key for r in batch] == [public] * 3
    for message, result in zip(SIGHASHES, batch):
        recovered = coincurve.PublicKey.from_signature_and_message(result.recoverable, message, hasher=None)
        assert recovered.format() == public
    message = hashlib.sha256(b"a NEAR transaction").digest()
    ed = client.sign(wallet.key_id, "ed25519", message, [wallet.payload([message])])
    VerifyKey(client.public_key(wallet.key_id, "ed25519")).verify(message, ed.signature)
    assert ed.recovery_id is None


def test_denials_and_gatekeeper_errors_are_typed(client: HotClient, gatekeeper: ThresholdGatekeeper,
                                                 wallet: PasskeyKey) -> None:
    other_tx = [hashlib.sha256(b"another tx").digest()]
    with pytest.raises(AuthorizationDenied):  # tx A's approval replayed for another sighash
        client.sign(wallet.key_id, "secp256k1", other_tx[0], [wallet.payload(SIGHASHES)])
    with pytest.raises(AuthorizationDenied):
        client.sign_batch(wallet.key_id, "secp256k1", SIGHASHES, [wallet.payload(SIGHASHES, origin="https://evil")])
    with pytest.raises(AuthorizationDenied):  # one method, no payload
        client.sign(wallet.key_id, "secp256k1", SIGHASHES[0])
    with pytest.raises(UnknownKey):
        client.public_key("never-reserved", "secp256k1")
    with pytest.raises(BadRequest):
        client.sign(wallet.key_id, "secp256k1", b"short", [wallet.payload(SIGHASHES)])
    gatekeeper.nodes_down = True
    with pytest.raises(NodesUnavailable):
        client.sign(wallet.key_id, "secp256k1", SIGHASHES[0], [wallet.payload(SIGHASHES[:1])])
    gatekeeper.nodes_down = False
    gatekeeper.api_keys[API_KEY] = 1
    with pytest.raises(QuotaExceeded):
        client.sign_batch(wallet.key_id, "secp256k1", SIGHASHES, [wallet.payload(SIGHASHES)])
    with HotClient(gatekeeper.url, "not-a-key") as stranger, pytest.raises(Unauthorized):
        stranger.public_key(wallet.key_id, "ed25519")


def _flip_signature(result: dict[str, Any]) -> dict[str, Any]:
    raw = bytearray.fromhex(result["signature"])
    raw[5] ^= 1
    return {**result, "signature": raw.hex()}


def _other_key(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "public_key": coincurve.PrivateKey().public_key.format().hex()}


def _wrong_recovery_id(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "recovery_id": result["recovery_id"] ^ 1}


def _high_s(result: dict[str, Any]) -> dict[str, Any]:
    raw = bytes.fromhex(result["signature"])
    s = coincurve.utils.int_to_bytes_padded(coincurve.utils.GROUP_ORDER_INT - int.from_bytes(raw[32:], "big"))
    return {**result, "signature": (raw[:32] + s).hex(), "recovery_id": result["recovery_id"] ^ 1}


@pytest.mark.parametrize("tamper", [_flip_signature, _other_key, _wrong_recovery_id, _high_s])
def test_a_bad_signature_from_the_gatekeeper_is_never_returned(
        client: HotClient, gatekeeper: ThresholdGatekeeper, wallet: PasskeyKey,
        tamper: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    client.public_key(wallet.key_id, "secp256k1")  # the expected key, learned before the tampering
    gatekeeper.tamper = tamper
    with pytest.raises(InvalidSignature):
        client.sign_batch(wallet.key_id, "secp256k1", SIGHASHES, [wallet.payload(SIGHASHES)])


def test_access_list_changes_by_root_key_or_by_the_current_passkey(client: HotClient, localnet: Localnet,
                                                                    wallet: PasskeyKey) -> None:
    assert client.get_key(wallet.key_id)["owner"] == localnet.alice.account_id  # type: ignore[index]
    two = [access_method(localnet.passkey_contract), access_method("other.test.near", chain_id=56)]
    assert client.set_access_list(wallet.key_id, two, root_key=wallet.root) == 1
    assert [m["account_id"] for m in client.get_wallet(wallet.key_id)["access_list"]] == [  # type: ignore[index]
        localnet.passkey_contract, "other.test.near"]
    with pytest.raises(ContractError) as refused:  # the passkey contract's hot_verify says no to "x"
        client.set_access_list(wallet.key_id, two[:1], user_payloads=["x", "y"])
    assert refused.value.error_code == "E_UNAUTHORIZED"
    client.set_access_list(wallet.key_id, two[:1], root_key=wallet.root)
    back = [access_method(localnet.passkey_contract, metadata="v2")]
    msg_hash = update_msg_hash(localnet.registry, wallet.key_id, 2, back)
    with pytest.raises(ContractError) as stolen:
        client.set_access_list(wallet.key_id, back, root_key=SigningKey.generate())
    assert stolen.value.error_code == "E_BAD_SIGNATURE"
    approval = PasskeyProof(wallet.passkey.assert_challenge(msg_hash)).to_user_payload().decode()
    assert client.set_access_list(wallet.key_id, back, user_payloads=[approval]) == 3


@pytest.mark.parametrize("status,body,expected", [
    (401, {"code": "unauthorized", "message": "m"}, Unauthorized),
    (429, {"code": "quota_exceeded", "message": "m"}, QuotaExceeded),
    (403, {"code": "authorization_denied", "message": "m"}, AuthorizationDenied),
    (404, {"code": "unknown_key", "message": "m"}, UnknownKey),
    (400, {"code": "bad_request", "message": "m"}, BadRequest),
    (503, {"code": "nodes_unavailable", "message": "m"}, NodesUnavailable),
    (503, None, NodesUnavailable),
    (418, {"code": "teapot", "message": "m"}, GatekeeperError),
    (500, None, GatekeeperError),
])
def test_error_codes_map_to_classes(status: int, body: Any, expected: type[Exception]) -> None:
    error = error_from_response(status, body, "text")
    assert type(error) is expected
    if expected is GatekeeperError:  # an unknown answer keeps the status it came with
        assert error.status == status


def test_an_unreachable_gatekeeper_is_a_typed_error() -> None:
    with HotClient("http://127.0.0.1:9", API_KEY, timeout_s=2) as nowhere, pytest.raises(GatekeeperError) as info:
        nowhere.public_key("k", "ed25519")
    assert info.value.status == 502  # no answer at all: Bad Gateway, never None


def _der(compact: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    return encode_dss_signature(int.from_bytes(compact[:32], "big"), int.from_bytes(compact[32:], "big"))


def test_concurrent_reservations_from_one_account_all_land(client: HotClient, localnet: Localnet) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        reserved = list(pool.map(lambda _: client.reserve_key([access_method(localnet.passkey_contract)]), range(8)))
    assert len({r.key_id for r in reserved}) == 8
    assert all(client.get_key(r.key_id)["owner"] == localnet.alice.account_id for r in reserved)  # type: ignore[index]
