"""EVM pre-images built and signed with eth-account, decoded back into the cross-chain model."""

from __future__ import annotations

import pytest
import rlp
from coincurve import PrivateKey
from eth_account import Account
from eth_account._utils.legacy_transactions import (
    serializable_unsigned_transaction_from_dict,
)
from eth_utils import to_checksum_address
from hot.sdk import hostcrypto
from hot.sdk.policies.decode import (
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedTransaction,
    decode,
)

ACCOUNT = Account.from_key(b"\x42" * 32)
RECIPIENT = to_checksum_address("0x" + "ab" * 20)
TOKEN = to_checksum_address("0x" + "cd" * 20)


def erc20_transfer(to: str, amount: int) -> bytes:
    return bytes.fromhex("a9059cbb") + bytes(12) + bytes.fromhex(to[2:]) + amount.to_bytes(32, "big")


def eip1559(**overrides: object) -> dict[str, object]:
    tx: dict[str, object] = {
        "type": 2,
        "chainId": 1,
        "nonce": 7,
        "maxPriorityFeePerGas": 10**9,
        "maxFeePerGas": 3 * 10**10,
        "gas": 21000,
        "to": RECIPIENT,
        "value": 10**18,
        "data": b"",
        "accessList": [],
    }
    tx.update(overrides)
    return tx


def eip1559_payload(tx: dict[str, object]) -> bytes:
    """The EIP-1559 signing payload, encoded here with plain rlp (independent of the decoder's sedes)."""
    fields = ["chainId", "nonce", "maxPriorityFeePerGas", "maxFeePerGas", "gas", "to", "value", "data"]
    values = [bytes.fromhex(str(tx[f])[2:]) if f == "to" else tx[f] for f in fields]
    return b"\x02" + rlp.encode([*values, []])


def signer_recovers(payload: bytes, tx: dict[str, object]) -> bool:
    """The key that eth-account signs with is recovered from keccak(payload): it is what gets signed."""
    signed = ACCOUNT.sign_transaction(tx)
    sig = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big")
    v = signed.v if signed.v in (0, 1) else (signed.v - 35) % 2
    recovered = hostcrypto.secp256k1_ecrecover(hostcrypto.keccak256(payload), sig, v)
    return recovered == PrivateKey(b"\x42" * 32).public_key.format()


def test_eip1559_native_transfer() -> None:
    tx = eip1559()
    payload = eip1559_payload(tx)
    assert signer_recovers(payload, tx)
    request = decode("evm", payload, hostcrypto.keccak256(payload))
    assert (request.chain, request.network, request.sender) == ("evm", "1", None)
    assert [(t.to, t.amount, t.asset) for t in request.transfers] == [(RECIPIENT, 10**18, "native")]
    assert request.calls == ()
    assert request.raw["maxFeePerGas"] == 3 * 10**10 and request.raw["nonce"] == 7


def test_eip155_legacy_erc20_transfer_is_a_token_transfer_and_a_call() -> None:
    tx = {
        "chainId": 137,
        "nonce": 1,
        "gasPrice": 10**9,
        "gas": 60000,
        "to": TOKEN,
        "value": 0,
        "data": erc20_transfer(RECIPIENT, 5),
    }
    payload = rlp.encode(serializable_unsigned_transaction_from_dict(tx))
    assert signer_recovers(payload, tx)
    request = decode("evm", payload, hostcrypto.keccak256(payload))
    assert request.network == "137"
    assert [(t.to, t.amount, t.asset) for t in request.transfers] == [(RECIPIENT, 5, f"erc20:{TOKEN}")]
    assert [(c.target, c.method) for c in request.calls] == [(TOKEN, "0xa9059cbb")]


def test_eip2930_and_contract_creation() -> None:
    tx = {
        "type": 1,
        "chainId": 5,
        "nonce": 0,
        "gasPrice": 10**9,
        "gas": 10**6,
        "value": 3,
        "data": b"\x60\x00",
        "accessList": [],
    }
    payload = b"\x01" + rlp.encode([5, 0, 10**9, 10**6, b"", 3, b"\x60\x00", []])
    assert signer_recovers(payload, tx)
    request = decode("evm", payload, hostcrypto.keccak256(payload))
    assert request.transfers[0].to is None and request.transfers[0].amount == 3
    assert request.calls[0].method == "create" and request.raw["contract_creation"]


def test_hash_of_another_payload_is_refused() -> None:
    payload = eip1559_payload(eip1559())
    tampered = eip1559_payload(eip1559(value=10**21))
    with pytest.raises(PreimageMismatch):
        decode("evm", tampered, hostcrypto.keccak256(payload))
    with pytest.raises(PreimageMismatch):
        decode("evm", payload, hostcrypto.sha256(payload))


@pytest.mark.parametrize(
    "payload",
    [
        rlp.encode([1, 10**9, 21000, bytes(20), 1, b""]),  # pre-EIP-155: replayable on every chain
        b"\x04" + rlp.encode([1, 2, 3]),  # EIP-7702 set-code
        b"\x03" + rlp.encode([1, 2, 3]),  # blob
    ],
)
def test_unsupported_kinds(payload: bytes) -> None:
    with pytest.raises(UnsupportedTransaction):
        decode("evm", payload, hostcrypto.keccak256(payload))


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        eip1559_payload(eip1559()) + b"\x00",  # trailing byte
        eip1559_payload(eip1559())[:-2],  # truncated
        b"\x02" + rlp.encode([1, 2, 3]),  # wrong field count
        rlp.encode([1, 10**9, 21000, bytes(20), 1, b"", 1, 1, 0]),  # EIP-155 must end 0, 0
        rlp.encode([1, 10**9, 21000, bytes(19), 1, b"", 1, 0, 0]),  # 19-byte address
        rlp.encode([1, 10**9, 60000, bytes(20), 0, erc20_transfer(RECIPIENT, 5)[:40], 1, 0, 0]),  # short ERC-20 args
        b"\x02" + rlp.encode([1, b"\x00\x07", 1, 1, 21000, bytes(20), 1, b"", []]),  # nonce with a leading zero
    ],
)
def test_malformed_payloads_are_typed_errors(payload: bytes) -> None:
    with pytest.raises(MalformedTransaction):
        decode("evm", payload, hostcrypto.keccak256(payload))
