"""EVM pre-images: the unsigned signing payload of an EIP-1559, EIP-2930 or EIP-155 transaction.

The secp256k1 key signs `keccak256(payload)`, where payload is `0x02 || rlp([...])` (EIP-1559),
`0x01 || rlp([...])` (EIP-2930) or `rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0])`
(EIP-155). Parsing uses eth-account's own RLP sedes (strict, canonical decoding by `rlp`).

Refused on purpose (UnsupportedTransaction): pre-EIP-155 legacy payloads (no chain id, so one
signature is valid on every EVM chain and no per-chain limit can bound it), blob (0x03) and
set-code (0x04, EIP-7702: delegates the whole account to code) transactions.
"""

from __future__ import annotations

from typing import Any

import rlp
from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError as AbiDecodingError
from eth_account._utils.legacy_transactions import Transaction as LegacyWithChainId
from eth_account.typed_transactions import AccessListTransaction, DynamicFeeTransaction
from eth_utils import to_checksum_address
from hot.sdk.hostcrypto import keccak256
from hot.sdk.policies.decode.model import NATIVE, ContractCall, DecodedRequest, Transfer, require_hash
from hot.wire.errors import MalformedTransaction, UnsupportedTransaction

CHAIN = "evm"
ERC20_TRANSFER = bytes.fromhex("a9059cbb")  # transfer(address,uint256)
_TYPED_SEDES = {
    0x01: AccessListTransaction._unsigned_transaction_serializer,
    0x02: DynamicFeeTransaction._unsigned_transaction_serializer,
}


def decode_evm(preimage: bytes, msg_hash: bytes) -> DecodedRequest:
    """Check keccak256(preimage) == msg_hash, then decode recipient, value and calldata."""
    require_hash(msg_hash, keccak256(preimage), "keccak256")
    if not preimage:
        raise MalformedTransaction("empty EVM payload")
    fields = _typed_fields(preimage) if preimage[0] < 0x80 else _legacy_fields(preimage)
    return _request(fields)


def _typed_fields(preimage: bytes) -> dict[str, Any]:
    tx_type = preimage[0]
    sedes = _TYPED_SEDES.get(tx_type)
    if sedes is None:
        raise UnsupportedTransaction(f"EVM transaction type 0x{tx_type:02x} is not supported")
    try:
        tx = rlp.decode(preimage[1:], sedes=sedes)
    except rlp.exceptions.RLPException as exc:
        raise MalformedTransaction(f"bad RLP in type-0x{tx_type:02x} payload: {exc}") from exc
    fields: dict[str, Any] = tx.as_dict()
    fields["type"] = tx_type
    return fields


def _legacy_fields(preimage: bytes) -> dict[str, Any]:
    try:
        items = rlp.decode(preimage)
    except rlp.exceptions.RLPException as exc:
        raise MalformedTransaction(f"bad RLP in legacy payload: {exc}") from exc
    if not isinstance(items, list) or len(items) not in (6, 9):
        raise MalformedTransaction("a legacy signing payload is an RLP list of 6 or 9 items")
    if len(items) == 6:
        raise UnsupportedTransaction("pre-EIP-155 transaction: no chain id, replayable on every chain")
    try:
        tx = rlp.decode(preimage, sedes=LegacyWithChainId)
    except rlp.exceptions.RLPException as exc:
        raise MalformedTransaction(f"bad legacy transaction fields: {exc}") from exc
    fields: dict[str, Any] = tx.as_dict()
    if fields.pop("r") != 0 or fields.pop("s") != 0:
        raise MalformedTransaction("an EIP-155 signing payload ends with chainId, 0, 0")
    fields["chainId"] = fields.pop("v")
    fields["type"] = 0
    return fields


def _request(fields: dict[str, Any]) -> DecodedRequest:
    to_raw: bytes = fields["to"]
    data: bytes = fields["data"]
    value: int = fields["value"]
    to = to_checksum_address(to_raw) if to_raw else None
    transfers: list[Transfer] = []
    calls: list[ContractCall] = []
    if value or not data:
        transfers.append(Transfer(to=to, amount=value, asset=NATIVE))
    if data:
        selector = data[:4].hex()
        calls.append(ContractCall(target=to or "", method="create" if to is None else f"0x{selector}", deposit=value))
        if to is not None and data[:4] == ERC20_TRANSFER:
            transfers.append(_erc20_transfer(to, data))
    raw = {
        "type": fields["type"],
        "chain_id": fields["chainId"],
        "nonce": fields["nonce"],
        "gas": fields["gas"],
        "to": to,
        "value": value,
        "data": data,
        "contract_creation": to is None,
    }
    for key in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "accessList"):
        if key in fields:
            raw[key] = fields[key]
    return DecodedRequest(
        chain=CHAIN,
        network=str(fields["chainId"]),
        sender=None,
        transfers=tuple(transfers),
        calls=tuple(calls),
        raw=raw,
    )


def _erc20_transfer(token: str, data: bytes) -> Transfer:
    """ERC-20 `transfer(to, amount)`; calldata that a token would reject is refused, not guessed."""
    if len(data) != 4 + 64:
        raise MalformedTransaction("ERC-20 transfer calldata must be 4 + 64 bytes")
    try:
        recipient, amount = abi_decode(["address", "uint256"], data[4:])
    except AbiDecodingError as exc:
        raise MalformedTransaction(f"bad ERC-20 transfer arguments: {exc}") from exc
    return Transfer(to=to_checksum_address(recipient), amount=amount, asset=f"erc20:{token}")
