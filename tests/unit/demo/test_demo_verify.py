"""The demo's referees (hot.demo_verify) accept what is right and refuse what is not, without a network.

Signatures here come from the libraries themselves (PyNaCl, coincurve), so a referee that passes
everything, or nothing, fails these tests.
"""

from __future__ import annotations

import hashlib

import coincurve
from embit.networks import NETWORKS
from embit.script import Script
from hot.examples.passkey_wallet.bitcoin_tx import Utxo, build_p2wpkh_spend
from hot.sdk.addresses import bitcoin_p2wpkh
from nacl.signing import SigningKey

from hot.demo_verify import (
    check_bitcoin_spend,
    check_ed25519,
    check_record,
    check_secp256k1_ecdsa,
)

MERCHANT = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def test_ed25519_referees_agree_on_good_and_bad() -> None:
    key = SigningKey(b"\x07" * 32)
    message = b"pay 5 to bob"
    signature = key.sign(message).signature
    public_key = bytes(key.verify_key)
    assert all(check_ed25519(public_key, message, signature).values())
    assert not any(check_ed25519(public_key, message + b"!", signature).values())
    assert not any(check_ed25519(public_key, message, bytes(64)).values())


def test_ecdsa_referees_need_the_right_key_hash_and_recovery_id() -> None:
    key = coincurve.PrivateKey(b"\x09" * 32)
    digest = hashlib.sha256(b"a sighash").digest()
    recoverable = key.sign_recoverable(digest, hasher=None)
    signature, recovery_id = recoverable[:64], recoverable[64]
    public_key = key.public_key.format()
    assert all(check_secp256k1_ecdsa(public_key, digest, signature, recovery_id).values())
    assert not any(check_secp256k1_ecdsa(public_key, hashlib.sha256(b"other").digest(), signature,
                                         recovery_id).values())
    wrong_id = check_secp256k1_ecdsa(public_key, digest, signature, recovery_id ^ 1)
    assert wrong_id == {"coincurve (libsecp256k1) recovers the key": False, "cryptography (OpenSSL) verifies": True}
    record = {"domain": "secp256k1", "key_id": "k", "message": digest.hex(), "signature": signature.hex(),
              "public_key": public_key.hex(), "recovery_id": recovery_id}
    assert all(check_record(record).values())


def test_bitcoin_spend_referee_judges_scripts_and_amounts() -> None:
    key = coincurve.PrivateKey(b"\x0b" * 32)
    public_key = key.public_key.format()
    funding = Utxo(txid="11" * 32, vout=0, value=80_000)
    unsigned = build_p2wpkh_spend([funding], public_key, MERCHANT, 30_000, fee_rate=2, network="regtest")
    raw = unsigned.finish([key.sign_recoverable(h, hasher=None) for h in unsigned.sighashes])
    script = bytes.fromhex("0014") + hashlib.new("ripemd160", hashlib.sha256(public_key).digest()).digest()
    assert Script(script).address(NETWORKS["regtest"]) == bitcoin_p2wpkh(public_key, "regtest")  # the wallet's
    prevouts = [{"script_pubkey": script.hex(), "amount": funding.value}]
    assert all(check_bitcoin_spend(raw, prevouts).values())
    other_key = coincurve.PrivateKey(b"\x0c" * 32).public_key.format()
    other_script = bytes.fromhex("0014") + hashlib.new("ripemd160", hashlib.sha256(other_key).digest()).digest()
    refused = check_bitcoin_spend(raw, [{"script_pubkey": other_script.hex(), "amount": funding.value}])
    assert refused["libbitcoinkernel accepts all 1 input(s)"] is False
    short = check_bitcoin_spend(raw, [{"script_pubkey": script.hex(), "amount": funding.value - 1}])
    assert short["libbitcoinkernel accepts all 1 input(s)"] is False
