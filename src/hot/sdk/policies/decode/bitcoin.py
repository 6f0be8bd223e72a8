"""Bitcoin pre-images: a PSBT, or an unsigned transaction with the outputs it spends (prevouts).

msg_hash is the signature hash of one input (the caller names `input_index`) or, for a batch
request that signs every input in one call, `sighash_batch_commitment` of all inputs' sighashes
in input order. Sighashes are computed by embit (BIP143 for P2WPKH, BIP341 key path for P2TR,
legacy for P2PKH) with **SIGHASH_ALL (P2TR: SIGHASH_DEFAULT) only**: other sighash types leave
outputs uncommitted, so the decoded transfers would not bind what gets signed.

What is and is not bound by a matching sighash: every output (address, amount) is; the signed
input's prevout script is; its amount is for SegWit and Taproot; other inputs' amounts are bound
only by Taproot (BIP143's known fee gap), so this decoder reports outputs, not a fee.
Outputs become transfers with addresses in the network's encoding (`to=None` for scripts with
no address, e.g. OP_RETURN); change is a transfer back to the sender, which a limit policy
excludes with `request.total(exclude_to=request.sender)`.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from embit import hashes
from embit.base import EmbitError
from embit.networks import NETWORKS
from embit.psbt import PSBT
from embit.script import Script, p2pkh_from_p2wpkh
from embit.transaction import SIGHASH, Transaction, TransactionOutput
from hot.sdk.policies.decode.model import NATIVE, DecodedRequest, Transfer, require_hash
from hot.wire.errors import DecodeError, MalformedTransaction, UnsupportedChain, UnsupportedTransaction

CHAIN = "bitcoin"
PSBT_MAGIC = b"psbt\xff"
BATCH_TAG = "hot/bitcoin/sighash-batch"
# embit reports bad bytes through several exception types (RuntimeError for a short stream,
# AssertionError for some field lengths, EmbitError subclasses, ValueError...); these are caught
# only around embit's parse and verify calls, never around our own logic.
_PARSE_ERRORS = (
    EmbitError,
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    EOFError,
    RuntimeError,
    OverflowError,
    AssertionError,
    struct.error,
)


def sighash_batch_commitment(sighashes: Sequence[bytes]) -> bytes:
    """The msg_hash of a batch request: a BIP340-style tagged hash of all sighashes in input order."""
    return bytes(hashes.tagged_hash(BATCH_TAG, b"".join(sighashes)))


def decode_bitcoin(
    preimage: bytes,
    msg_hash: bytes,
    *,
    input_index: int | None = None,
    prevouts: Sequence[tuple[bytes, int]] | None = None,
    network: str = "main",
) -> DecodedRequest:
    """Check msg_hash against the input's sighash (or the batch commitment), then list the outputs.

    `prevouts` (script_pubkey, amount in sat) per input is required for a raw transaction and
    refused for a PSBT, which carries its own (one source of truth per request).
    """
    if input_index is not None and (not isinstance(input_index, int) or isinstance(input_index, bool)):
        raise DecodeError(f"input_index must be an int or None, got {type(input_index).__name__}")
    params = NETWORKS.get(network) if isinstance(network, str) else None
    if params is None:
        raise UnsupportedChain(f"unknown Bitcoin network {network!r}; expected one of {sorted(NETWORKS)}")
    if preimage.startswith(PSBT_MAGIC):
        if prevouts is not None:
            raise MalformedTransaction("a PSBT carries its own prevouts; do not pass prevouts too")
        tx, spent = _from_psbt(preimage)
    else:
        tx, spent = _from_raw(preimage, prevouts)
    if not tx.vin or not tx.vout:
        raise MalformedTransaction("a Bitcoin transaction has at least one input and one output")
    if input_index is None:
        signed = list(range(len(tx.vin)))
        expected = sighash_batch_commitment([_sighash(tx, spent, i) for i in signed])
        require_hash(msg_hash, expected, "sighash batch commitment")
    else:
        if not 0 <= input_index < len(tx.vin):
            raise MalformedTransaction(f"input_index {input_index} outside 0..{len(tx.vin) - 1}")
        signed = [input_index]
        require_hash(msg_hash, _sighash(tx, spent, input_index), f"input {input_index} sighash")
    senders = {_address(spent[i].script_pubkey, params) for i in signed}
    return DecodedRequest(
        chain=CHAIN,
        network=network,
        sender=senders.pop() if len(senders) == 1 else None,
        transfers=tuple(
            Transfer(to=_address(out.script_pubkey, params), amount=out.value, asset=NATIVE) for out in tx.vout
        ),
        raw=_raw(tx, spent, signed),
    )


def _from_raw(
    preimage: bytes, prevouts: Sequence[tuple[bytes, int]] | None
) -> tuple[Transaction, list[TransactionOutput]]:
    try:
        tx = Transaction.parse(preimage)
    except _PARSE_ERRORS as exc:
        raise MalformedTransaction(f"not a Bitcoin transaction: {exc}") from exc
    if tx.serialize() != preimage:
        raise MalformedTransaction("Bitcoin transaction has trailing or non-canonical bytes")
    if any(inp.witness.items for inp in tx.vin) or any(len(inp.script_sig.data) for inp in tx.vin):
        raise MalformedTransaction("expected an unsigned transaction (empty scriptSigs and witnesses)")
    if not isinstance(prevouts, (list, tuple)) or len(prevouts) != len(tx.vin):
        raise MalformedTransaction("a raw transaction needs one (script_pubkey, amount) prevout per input")
    spent = []
    for prevout in prevouts:
        if not (isinstance(prevout, (list, tuple)) and len(prevout) == 2):
            raise MalformedTransaction("a prevout is a pair (script_pubkey: bytes, amount: int satoshi)")
        script_pubkey, amount = prevout
        valid_amount = isinstance(amount, int) and not isinstance(amount, bool) and 0 <= amount < 2**63
        if not isinstance(script_pubkey, bytes) or not valid_amount:
            raise MalformedTransaction("a prevout is a pair (script_pubkey: bytes, amount: int satoshi)")
        spent.append(TransactionOutput(amount, Script(script_pubkey)))
    return tx, spent


def _from_psbt(preimage: bytes) -> tuple[Transaction, list[TransactionOutput]]:
    try:
        psbt = PSBT.parse(preimage)
    except _PARSE_ERRORS as exc:
        raise MalformedTransaction(f"not a PSBT: {exc}") from exc
    spent = []
    for i, inp in enumerate(psbt.inputs):
        if inp.sighash_type not in (None, SIGHASH.ALL, SIGHASH.DEFAULT):
            raise UnsupportedTransaction(f"input {i} asks for sighash type {inp.sighash_type}; only ALL is decoded")
        try:
            if inp.non_witness_utxo is not None:
                inp.verify()  # the full previous transaction must hash to the outpoint's txid
            utxo = inp.utxo
        except _PARSE_ERRORS as exc:
            raise MalformedTransaction(f"PSBT input {i}: {exc}") from exc
        if utxo is None:
            raise MalformedTransaction(f"PSBT input {i} has no witness_utxo or non_witness_utxo")
        spent.append(utxo)
    return psbt.tx, spent


def _sighash(tx: Transaction, spent: list[TransactionOutput], index: int) -> bytes:
    script_pubkey = spent[index].script_pubkey
    kind = script_pubkey.script_type()
    if kind == "p2wpkh":
        return bytes(tx.sighash_segwit(index, p2pkh_from_p2wpkh(script_pubkey), spent[index].value, SIGHASH.ALL))
    if kind == "p2tr":
        scripts = [out.script_pubkey for out in spent]
        values = [out.value for out in spent]
        return bytes(tx.sighash_taproot(index, scripts, values, SIGHASH.DEFAULT))
    if kind == "p2pkh":
        return bytes(tx.sighash_legacy(index, script_pubkey, SIGHASH.ALL))
    raise UnsupportedTransaction(
        f"input {index} spends a {kind or 'non-standard'} script; decoded: p2pkh, p2wpkh, p2tr"
    )


def _address(script_pubkey: Script, params: dict[str, Any]) -> str | None:
    try:
        return str(script_pubkey.address(params))
    except ValueError:
        return None


def _raw(tx: Transaction, spent: list[TransactionOutput], signed: list[int]) -> dict[str, Any]:
    return {
        "version": tx.version,
        "locktime": tx.locktime,
        "signed_inputs": signed,
        "inputs": [
            {
                "txid": inp.txid.hex(),
                "vout": inp.vout,
                "sequence": inp.sequence,
                "script_pubkey": spent[i].script_pubkey.data.hex(),
                "amount": spent[i].value,
            }
            for i, inp in enumerate(tx.vin)
        ],
        "outputs": [{"script_pubkey": out.script_pubkey.data.hex(), "amount": out.value} for out in tx.vout],
    }
