"""Chain addresses from a key's public key, computed locally (no signing round, whitepaper §2.2.5).

A key_id's derived public key is known without the MPC network, so the wallet can show where to
send funds before anything is signed. Inputs are raw public keys as bytes: a 33-byte compressed
secp256k1 key (Bitcoin, EVM) or a 32-byte ed25519 key (Solana, NEAR, Stellar).

TON is left out: its address is the hash of a wallet contract's state init (the code cell of a
chosen wallet version, e.g. v4r2, plus a data cell with the key). pytoniq-core has the data layout
but ships no wallet code cell, and which wallet version to deploy is the wallet's choice.
"""

from __future__ import annotations

import base64
import binascii

import base58
import coincurve

from hot.wire.errors import EncodingError
from hot.sdk.hostcrypto import keccak256

BITCOIN_HRP = {"mainnet": "bc", "testnet": "tb", "signet": "tb", "regtest": "bcrt"}
STELLAR_ACCOUNT_VERSION = 6 << 3  # StrKey version byte for an ed25519 account ID ("G...")


def _secp256k1_point(public_key: bytes) -> coincurve.PublicKey:
    if not isinstance(public_key, bytes) or len(public_key) != 33:
        raise EncodingError("expected a 33-byte compressed secp256k1 public key")
    try:
        return coincurve.PublicKey(public_key)
    except ValueError as exc:
        raise EncodingError("not a point on secp256k1") from exc


def _ed25519_key(public_key: bytes) -> bytes:
    if not isinstance(public_key, bytes) or len(public_key) != 32:
        raise EncodingError("expected a 32-byte ed25519 public key")
    return public_key


def hash160(data: bytes) -> bytes:
    """RIPEMD-160(SHA-256(data)); embit's RIPEMD-160 works where OpenSSL 3 dropped it."""
    from embit.hashes import hash160 as _hash160

    return bytes(_hash160(data))


def bitcoin_p2wpkh(public_key: bytes, network: str = "mainnet") -> str:
    """BIP173 bech32 v0 address of HASH160(compressed key): bc1q... / tb1q... / bcrt1q..."""
    from embit import bech32  # the [bitcoin] extra; the other chains need only core dependencies

    _secp256k1_point(public_key)
    if network not in BITCOIN_HRP:
        raise EncodingError(f"unknown Bitcoin network {network!r}; one of {sorted(BITCOIN_HRP)}")
    return str(bech32.encode(BITCOIN_HRP[network], 0, hash160(public_key)))


def evm_address(public_key: bytes) -> str:
    """EIP-55 checksummed address: last 20 bytes of keccak256 of the uncompressed key's X||Y."""
    point = _secp256k1_point(public_key).format(compressed=False)[1:]
    address = keccak256(point)[-20:].hex()
    digest = keccak256(address.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(address, digest[:40], strict=True))


def solana_address(public_key: bytes) -> str:
    """A Solana account address is the base58 of the 32-byte ed25519 key."""
    return str(base58.b58encode(_ed25519_key(public_key)).decode("ascii"))


def near_implicit_account(public_key: bytes) -> str:
    """A NEAR implicit account ID is the lowercase hex of the 32-byte ed25519 key."""
    return _ed25519_key(public_key).hex()


def stellar_account_id(public_key: bytes) -> str:
    """SEP-23 StrKey "G..." : base32(version byte || key || CRC16-XModem little-endian)."""
    payload = bytes([STELLAR_ACCOUNT_VERSION]) + _ed25519_key(public_key)
    checksum = binascii.crc_hqx(payload, 0).to_bytes(2, "little")
    return base64.b32encode(payload + checksum).decode("ascii")


def address_for(chain: str, public_key: bytes, *, network: str = "mainnet") -> str:
    """One entry point by chain name: bitcoin, evm, solana, near, stellar."""
    table = {
        "bitcoin": lambda: bitcoin_p2wpkh(public_key, network),
        "evm": lambda: evm_address(public_key),
        "solana": lambda: solana_address(public_key),
        "near": lambda: near_implicit_account(public_key),
        "stellar": lambda: stellar_account_id(public_key),
    }
    if chain not in table:
        raise EncodingError(f"no address scheme for chain {chain!r}; one of {sorted(table)}")
    return table[chain]()


__all__ = [
    "address_for",
    "bitcoin_p2wpkh",
    "evm_address",
    "hash160",
    "near_implicit_account",
    "solana_address",
    "stellar_account_id",
]
