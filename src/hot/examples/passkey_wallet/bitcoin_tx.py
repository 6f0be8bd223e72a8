"""Build, sighash and finish P2WPKH spends for the passkey wallet (BIP141 / BIP143).

The wallet never holds a private key: it builds the unsigned transaction, hands every input's
BIP143 sighash to the MPC network in one batch request (the passkey approves one challenge that
commits to all of them, see hot.sdk.policies.passkey.batch_challenge), and attaches the returned
signatures. Signatures may come as 64-byte compact r||s, 65-byte r||s||recovery id (the MPC
network's format) or DER; each is checked against its sighash and the wallet key before use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import coincurve
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from embit.ec import PublicKey
from embit.networks import NETWORKS
from embit.script import Script, Witness, address_to_scriptpubkey, p2wpkh
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput

from hot.wire.errors import EncodingError, InsufficientFunds, InvalidSignature, WalletError

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DUST_LIMIT = 546  # sat: Bitcoin Core's dust threshold for the outputs we create, rounded up
NETWORK_NAMES = {"mainnet": "main", "testnet": "test", "regtest": "regtest"}


@dataclass(frozen=True)
class Utxo:
    """An unspent output of the wallet, as Esplora's /address/:addr/utxo lists it."""

    txid: str
    vout: int
    value: int

    @classmethod
    def from_esplora(cls, item: Mapping[str, Any]) -> "Utxo":
        return cls(txid=str(item["txid"]), vout=int(item["vout"]), value=int(item["value"]))


def p2wpkh_vsize(inputs: int, outputs: int) -> int:
    """Upper bound of the vsize of a P2WPKH-only transaction (72-byte signatures + sighash byte)."""
    return 11 + 68 * inputs + 31 * outputs


def output_script(address: str, network: str) -> bytes:
    """The scriptPubKey of `address`, refusing addresses of another network."""
    params = NETWORKS[NETWORK_NAMES[network]]
    try:
        script = address_to_scriptpubkey(address)
        canonical = script.address(params)
    except Exception as exc:
        raise EncodingError(f"not a Bitcoin address: {address!r}") from exc
    if canonical != address:
        raise EncodingError(f"{address!r} is not a {network} address")
    return bytes(script.data)


@dataclass(frozen=True)
class UnsignedSpend:
    """An unsigned spend: what to sign (`sighashes`, one per input) and how to finish it."""

    tx: Transaction
    inputs: tuple[Utxo, ...]
    public_key: bytes
    fee: int
    sighashes: tuple[bytes, ...]

    @property
    def txid(self) -> str:
        """The txid is fixed before signing (segwit), so the wallet can show it up front."""
        return str(self.tx.txid().hex())

    def finish(self, signatures: Sequence[bytes]) -> str:
        """Attach one signature per input; returns the raw transaction hex ready for POST /tx."""
        if len(signatures) != len(self.inputs):
            raise InvalidSignature(f"{len(signatures)} signatures for {len(self.inputs)} inputs")
        key = coincurve.PublicKey(self.public_key)
        witnesses = []
        for index, (signature, sighash) in enumerate(zip(signatures, self.sighashes, strict=True)):
            der = to_low_s_der(signature)
            if not key.verify(der, sighash, hasher=None):
                raise InvalidSignature(f"signature {index} does not verify for its sighash")
            witnesses.append(Witness([der + bytes([SIGHASH.ALL]), self.public_key]))
        signed = Transaction.parse(self.tx.serialize())
        for txin, witness in zip(signed.vin, witnesses, strict=True):
            txin.witness = witness
        return str(signed.serialize().hex())


def to_low_s_der(signature: bytes) -> bytes:
    """DER with s <= n/2 (BIP146 LOW_S policy) from compact r||s, r||s||recid, or DER."""
    if len(signature) in (64, 65):
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big")
    else:
        try:
            r, s = decode_dss_signature(signature)
        except ValueError as exc:
            raise InvalidSignature("signature is neither compact (64/65 bytes) nor DER") from exc
    if not (0 < r < SECP256K1_ORDER and 0 < s < SECP256K1_ORDER):
        raise InvalidSignature("signature scalar out of range")
    if s > SECP256K1_ORDER // 2:
        s = SECP256K1_ORDER - s
    return encode_dss_signature(r, s)


def build_p2wpkh_spend(
    utxos: Sequence[Utxo],
    public_key: bytes,
    destination: str,
    amount: int,
    fee_rate: int,
    network: str = "regtest",
) -> UnsignedSpend:
    """Spend from the P2WPKH address of `public_key` to `destination`, change back to it.

    Coins are taken largest first until they cover amount + fee at `fee_rate` sat/vB; change
    below the dust limit is left to the fee. BIP143 sighashes use SIGHASH_ALL.
    """
    try:
        coincurve.PublicKey(public_key)
    except ValueError as exc:
        raise EncodingError("public_key must be a valid secp256k1 point") from exc
    if len(public_key) != 33:
        raise EncodingError("P2WPKH needs the 33-byte compressed public key (BIP143 standardness)")
    if amount < DUST_LIMIT or fee_rate < 1:
        raise WalletError(f"amount must be >= {DUST_LIMIT} sat and fee_rate >= 1 sat/vB")
    own_script = bytes(p2wpkh(PublicKey.parse(public_key)).data)
    pay_script = output_script(destination, network)
    chosen: list[Utxo] = []
    for utxo in sorted(utxos, key=lambda u: (-u.value, u.txid, u.vout)):
        chosen.append(utxo)
        if sum(u.value for u in chosen) >= amount + fee_rate * p2wpkh_vsize(len(chosen), 2):
            break
    total = sum(u.value for u in chosen)
    fee = fee_rate * p2wpkh_vsize(len(chosen), 2)
    if total < amount + fee:
        raise InsufficientFunds(f"have {total} sat, need {amount} + fee {fee}")
    outputs = [TransactionOutput(amount, Script(pay_script))]
    change = total - amount - fee
    if change >= DUST_LIMIT:
        outputs.append(TransactionOutput(change, Script(own_script)))
    else:
        fee += change
    tx = Transaction(version=2, vin=[TransactionInput(bytes.fromhex(u.txid), u.vout) for u in chosen], vout=outputs)
    script_code = Script(b"\x76\xa9\x14" + own_script[2:] + b"\x88\xac")  # BIP143: P2WPKH scriptCode
    sighashes = tuple(bytes(tx.sighash_segwit(i, script_code, u.value, SIGHASH.ALL)) for i, u in enumerate(chosen))
    return UnsignedSpend(tx=tx, inputs=tuple(chosen), public_key=public_key, fee=fee, sighashes=sighashes)
