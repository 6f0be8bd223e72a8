"""Host crypto functions against independent signers, and the 'malformed = not verified' rule."""

from __future__ import annotations

import hashlib

import pytest
from coincurve import PrivateKey
from coincurve.ecdsa import cdata_to_der, der_to_cdata, serialize_compact
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eth_account import Account
from eth_account.messages import encode_defunct
from hot.sdk import hostcrypto as hc
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

N = hc.SECP256K1_ORDER
MSG = b"transfer 5 BTC to bc1q..."
DIGEST = hashlib.sha256(MSG).digest()


def compact(key: PrivateKey, digest: bytes) -> bytes:
    return serialize_compact(der_to_cdata(key.sign(digest, hasher=None)))


def high_s(sig: bytes) -> bytes:
    s = int.from_bytes(sig[32:], "big")
    return sig[:32] + (N - s).to_bytes(32, "big")


def test_hashes_match_reference_values() -> None:
    assert hc.sha256(b"abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert hc.keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def test_wrong_python_type_is_a_typed_error() -> None:
    with pytest.raises(hc.HostCryptoTypeError):
        hc.sha256("abc")  # type: ignore[arg-type]
    with pytest.raises(hc.HostCryptoTypeError):
        hc.ed25519_verify(b"\x00" * 32, "msg", b"\x00" * 64)  # type: ignore[arg-type]
    with pytest.raises(hc.HostCryptoTypeError):
        hc.secp256k1_ecrecover(DIGEST, b"\x01" * 64, "0")  # type: ignore[arg-type]


class TestEd25519:
    key = SigningKey(b"\x07" * 32)
    public = bytes(key.verify_key)

    def test_accepts_nacl_signature(self) -> None:
        assert hc.ed25519_verify(self.public, MSG, self.key.sign(MSG).signature)

    def test_rejects_other_message_and_other_key(self) -> None:
        sig = self.key.sign(MSG).signature
        assert not hc.ed25519_verify(self.public, MSG + b"!", sig)
        assert not hc.ed25519_verify(bytes(SigningKey(b"\x08" * 32).verify_key), MSG, sig)

    @pytest.mark.parametrize(
        ("public", "sig"),
        [
            (b"\x01" * 31, b"\x00" * 64),  # short key
            (None, b"\x00" * 63),  # short signature
            (b"\x00" * 32, None),  # y = 0: a point of order 4, refused by libsodium
            (b"\x01" + b"\x00" * 31, None),  # identity point: small order, refused by libsodium
        ],
    )
    def test_malformed_is_false(self, public: bytes | None, sig: bytes | None) -> None:
        real = self.key.sign(MSG).signature
        assert not hc.ed25519_verify(public or self.public, MSG, sig or real)

    def test_non_canonical_s_is_false(self) -> None:
        sig = self.key.sign(MSG).signature
        ell = 2**252 + 27742317777372353535851937790883648493
        s = int.from_bytes(sig[32:], "little") + ell
        assert s < 2**256
        assert not hc.ed25519_verify(self.public, MSG, sig[:32] + s.to_bytes(32, "little"))


class TestSecp256k1Ecdsa:
    key = PrivateKey(b"\x11" * 32)

    @pytest.mark.parametrize("compressed", [True, False])
    def test_accepts_coincurve_signature(self, compressed: bool) -> None:
        public = self.key.public_key.format(compressed=compressed)
        assert hc.secp256k1_ecdsa_verify(public, DIGEST, compact(self.key, DIGEST))

    def test_accepts_eth_account_signature_and_recovers_its_key(self) -> None:
        acct = Account.from_key(b"\x22" * 32)
        signed = acct.sign_message(encode_defunct(MSG))
        sig = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big")
        public = PrivateKey(b"\x22" * 32).public_key.format()
        assert hc.secp256k1_ecdsa_verify(public, bytes(signed.message_hash), sig)
        assert hc.secp256k1_ecrecover(bytes(signed.message_hash), sig, signed.v - 27) == public

    def test_high_s_twin_is_refused(self) -> None:
        public = self.key.public_key.format()
        sig = compact(self.key, DIGEST)
        assert not hc.secp256k1_ecdsa_verify(public, DIGEST, high_s(sig))
        rec = self.key.sign_recoverable(DIGEST, hasher=None)
        assert hc.secp256k1_ecrecover(DIGEST, rec[:64], rec[64]) == public
        assert hc.secp256k1_ecrecover(DIGEST, high_s(rec[:64]), rec[64] ^ 1) is None

    def test_wrong_message_or_recovery_id(self) -> None:
        public = self.key.public_key.format()
        rec = self.key.sign_recoverable(DIGEST, hasher=None)
        assert not hc.secp256k1_ecdsa_verify(public, hashlib.sha256(b"x").digest(), rec[:64])
        assert hc.secp256k1_ecrecover(DIGEST, rec[:64], rec[64] ^ 1) != public

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda pk, h, s: (pk[:-1], h, s),  # short key
            lambda pk, h, s: (b"\x02" + b"\xff" * 32, h, s),  # x not on the curve (x >= p)
            lambda pk, h, s: (b"\x05" + pk[1:], h, s),  # bad SEC1 prefix
            lambda pk, h, s: (pk, h[:31], s),  # short hash
            lambda pk, h, s: (pk, h, s[:63]),  # short signature
            lambda pk, h, s: (pk, h, b"\x00" * 32 + s[32:]),  # r = 0
            lambda pk, h, s: (pk, h, s[:32] + N.to_bytes(32, "big")),  # s = n
            lambda pk, h, s: (
                pk,
                h,
                cdata_to_der(der_to_cdata(PrivateKey(b"\x11" * 32).sign(h, hasher=None))),
            ),  # DER, not compact
        ],
    )
    def test_malformed_is_false(self, mutate) -> None:  # type: ignore[no-untyped-def]
        args = mutate(self.key.public_key.format(), DIGEST, compact(self.key, DIGEST))
        assert not hc.secp256k1_ecdsa_verify(*args)

    @pytest.mark.parametrize(
        ("digest", "sig", "rid"),
        [
            (DIGEST[:31], b"\x01" * 64, 0),
            (DIGEST, b"\x01" * 63, 0),
            (DIGEST, b"\x01" * 64, 4),
            (DIGEST, b"\x00" * 64, 0),
        ],
    )
    def test_ecrecover_malformed_is_none(self, digest: bytes, sig: bytes, rid: int) -> None:
        assert hc.secp256k1_ecrecover(digest, sig, rid) is None


class TestBip340:
    key = PrivateKey(b"\x33" * 32)
    xonly = key.public_key_xonly.format()

    def test_accepts_coincurve_schnorr(self) -> None:
        assert hc.bip340_verify(self.xonly, DIGEST, self.key.sign_schnorr(DIGEST))

    def test_rejects_other_message_and_tampered_signature(self) -> None:
        sig = self.key.sign_schnorr(DIGEST)
        assert not hc.bip340_verify(self.xonly, hashlib.sha256(b"y").digest(), sig)
        assert not hc.bip340_verify(self.xonly, DIGEST, sig[:-1] + bytes([sig[-1] ^ 1]))

    @pytest.mark.parametrize(
        ("public", "sig_len"),
        [(b"\xff" * 32, 64), (b"\x00" * 31, 64), (None, 63), (None, 65)],
    )
    def test_malformed_is_false(self, public: bytes | None, sig_len: int) -> None:
        sig = (self.key.sign_schnorr(DIGEST) + b"\x00")[:sig_len]
        assert not hc.bip340_verify(public or self.xonly, DIGEST, sig)


class TestP256:
    key = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)

    def test_accepts_cryptography_signature(self) -> None:
        sig = self.key.sign(MSG, ec.ECDSA(hashes.SHA256()))
        assert hc.p256_verify(self.public, MSG, sig)
        compressed = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        assert hc.p256_verify(compressed, MSG, sig)

    def test_rejects_other_message(self) -> None:
        assert not hc.p256_verify(self.public, MSG + b"!", self.key.sign(MSG, ec.ECDSA(hashes.SHA256())))

    @pytest.mark.parametrize(
        ("public", "sig"),
        [(b"", None), (b"\x04" + b"\x01" * 64, None), (None, b""), (None, b"\x30\x02\x01")],
    )
    def test_malformed_is_false(self, public: bytes | None, sig: bytes | None) -> None:
        real = self.key.sign(MSG, ec.ECDSA(hashes.SHA256()))
        assert not hc.p256_verify(public if public is not None else self.public, MSG, sig if sig is not None else real)


@settings(max_examples=60)
@given(
    public=st.binary(max_size=70), message=st.binary(max_size=40), sig=st.binary(max_size=80), rid=st.integers(-2, 6)
)
def test_random_bytes_never_raise_and_never_verify(public: bytes, message: bytes, sig: bytes, rid: int) -> None:
    """Fuzz: arbitrary bytes are 'not verified', never an exception and never a yes."""
    assert hc.ed25519_verify(public, message, sig) is False
    assert hc.secp256k1_ecdsa_verify(public, message, sig) is False
    assert hc.bip340_verify(public, message, sig) is False
    assert hc.p256_verify(public, message, sig) is False
    recovered = hc.secp256k1_ecrecover(message, sig, rid)
    assert recovered is None or len(recovered) == 33
