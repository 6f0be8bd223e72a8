"""Addresses from public keys agree with each chain's own library."""

from __future__ import annotations

import coincurve
import pytest
from embit.ec import PublicKey
from embit.networks import NETWORKS
from embit.script import p2wpkh
from eth_keys import keys as eth_keys
from eth_utils import is_checksum_address
from hypothesis import given
from hypothesis import strategies as st
from nacl.signing import SigningKey
from solders.pubkey import Pubkey
from stellar_sdk import Keypair

from hot.wire.errors import EncodingError
from hot.sdk import addresses

secrets = st.binary(min_size=32, max_size=32).filter(
    lambda b: 0 < int.from_bytes(b, "big") < coincurve.utils.GROUP_ORDER_INT
)


@given(secrets)
def test_bitcoin_p2wpkh_matches_embit_on_every_network(secret: bytes) -> None:
    pub = coincurve.PrivateKey(secret).public_key.format()
    script = p2wpkh(PublicKey.parse(pub))
    assert addresses.bitcoin_p2wpkh(pub, "mainnet") == script.address(NETWORKS["main"])
    assert addresses.bitcoin_p2wpkh(pub, "testnet") == script.address(NETWORKS["test"])
    assert addresses.bitcoin_p2wpkh(pub, "regtest") == script.address(NETWORKS["regtest"])
    assert addresses.bitcoin_p2wpkh(pub, "regtest").startswith("bcrt1q")


def test_bitcoin_p2wpkh_known_vector() -> None:
    # BIP173's example key 0279BE66...98 (the generator G)
    g = bytes.fromhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    assert addresses.bitcoin_p2wpkh(g) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


@given(secrets)
def test_evm_address_matches_eth_keys_with_eip55_checksum(secret: bytes) -> None:
    pub = coincurve.PrivateKey(secret).public_key.format()
    expected = eth_keys.PrivateKey(secret).public_key.to_checksum_address()
    assert addresses.evm_address(pub) == expected
    assert is_checksum_address(addresses.evm_address(pub))


@given(st.binary(min_size=32, max_size=32))
def test_ed25519_addresses_match_solders_stellar_and_near(seed: bytes) -> None:
    pub = bytes(SigningKey(seed).verify_key)
    assert addresses.solana_address(pub) == str(Pubkey(pub))
    assert addresses.stellar_account_id(pub) == Keypair.from_raw_ed25519_public_key(pub).public_key
    assert addresses.near_implicit_account(pub) == pub.hex() and len(pub.hex()) == 64


def test_address_for_dispatches_by_chain() -> None:
    pub = coincurve.PrivateKey(b"\x01" * 32).public_key.format()
    assert addresses.address_for("bitcoin", pub, network="regtest") == addresses.bitcoin_p2wpkh(pub, "regtest")
    assert addresses.address_for("evm", pub) == addresses.evm_address(pub)


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (addresses.bitcoin_p2wpkh, b"\x02" + b"\x00" * 32),  # x = 0 is not on secp256k1
        (addresses.bitcoin_p2wpkh, b"\x04" * 65),  # uncompressed keys are not P2WPKH-standard
        (addresses.evm_address, b"\x02" * 32),
        (addresses.solana_address, b"\x01" * 33),
        (addresses.stellar_account_id, b"\x01" * 31),
        (addresses.near_implicit_account, "00" * 32),
    ],
)
def test_bad_keys_raise_encoding_error(call: object, key: object) -> None:
    with pytest.raises(EncodingError):
        call(key)  # type: ignore[operator]


def test_unknown_network_or_chain_is_refused() -> None:
    pub = coincurve.PrivateKey(b"\x01" * 32).public_key.format()
    with pytest.raises(EncodingError):
        addresses.bitcoin_p2wpkh(pub, "litecoin")
    with pytest.raises(EncodingError):
        addresses.address_for("ton", pub)
