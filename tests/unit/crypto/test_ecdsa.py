"""Threshold ECDSA: any 2t-1 set presigns and signs; signatures are ordinary secp256k1 ECDSA.

Checked with coincurve (libsecp256k1 verify and public-key recovery), `cryptography` (OpenSSL,
prehashed ECDSA over DER) and eth_keys (the EVM address of the derived key).
"""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import coincurve
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from eth_keys import keys as eth_keys
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.mpc.crypto.derivation import derive_public_key, derive_tweak
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature, derived_public_key, presign_round1, sign_share
from hot.wire.errors import InvalidParameters, MissingMessage, ParticipantMismatch
from hot.mpc.crypto.ecdsa.local import intents_for, run_presign, run_sign
from hot.mpc.crypto.reshare import KeyShare, trusted_dealer_key_shares
from hot.mpc.crypto.suites import ED25519, SECP256K1

from .crypto_testkit import seeded_rng

N = SECP256K1.order


def make_keys(t: int, n: int, seed: int = 1) -> tuple[dict[int, KeyShare], int]:
    rng = seeded_rng(seed)
    secret = SECP256K1.random_scalar(rng)
    return trusted_dealer_key_shares(SECP256K1, secret, range(1, n + 1), t, rng), secret


def sign_once(keys: dict[int, KeyShare], parts: tuple[int, ...], message_hash: bytes, tweak: int, seed: int = 2):
    rng = seeded_rng(seed)
    presignatures = run_presign(keys, parts, b"session-%d" % seed, rng)
    request = SignRequest(message_hash, tweak, parts, rng(32))
    return run_sign(presignatures, {i: request for i in parts}, request, current_epoch=0)


def coincurve_key(point: object) -> coincurve.PublicKey:
    return coincurve.PublicKey(SECP256K1.serialize_element(point))


def evm_address(public_key: coincurve.PublicKey) -> bytes:
    return keccak(public_key.format(compressed=False)[1:])[-20:]


@pytest.mark.parametrize("t", [1, 2, 3])
def test_signature_verifies_with_coincurve_cryptography_and_recovers_derived_key(t: int) -> None:
    keys, secret = make_keys(t, 2 * t - 1 + 1)
    root = keys[1].group_public_key
    key_id = "alice.near/evm/0"
    tweak = derive_tweak(SECP256K1, key_id)
    derived = derive_public_key(SECP256K1, root, key_id)
    assert derived == derived_public_key(SECP256K1, root, tweak)
    message_hash = hashlib.sha256(b"transfer 1 ETH").digest()
    sig = sign_once(keys, tuple(range(2, 2 * t + 1)), message_hash, tweak)

    pub = coincurve_key(derived)
    assert pub.verify(sig.to_der(), message_hash, hasher=None)
    assert sig.s <= N // 2  # low-s: Bitcoin and EIP-2 accept only this form
    recovered = coincurve.PublicKey.from_signature_and_message(sig.to_recoverable(), message_hash, hasher=None)
    assert recovered.format() == pub.format()
    assert pub.format() == coincurve.PrivateKey(((secret + tweak) % N).to_bytes(32, "big")).public_key.format()

    ossl = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), pub.format())
    ossl.verify(sig.to_der(), message_hash, ec.ECDSA(Prehashed(hashes.SHA256())))  # raises if invalid
    assert decode_dss_signature(sig.to_der()) == (sig.r, sig.s)

    eth_sig = eth_keys.Signature(vrs=(sig.recovery_id, sig.r, sig.s))
    eth_pub = eth_sig.recover_public_key_from_msg_hash(message_hash)
    assert bytes.fromhex(eth_pub.to_checksum_address()[2:]) == evm_address(pub)
    assert sig.evm_v in (27, 28)


def test_signature_under_root_key_with_zero_tweak() -> None:
    keys, secret = make_keys(2, 3)
    message_hash = hashlib.sha256(b"root").digest()
    sig = sign_once(keys, (1, 2, 3), message_hash, 0)
    assert coincurve_key(keys[1].group_public_key).verify(sig.to_der(), message_hash, hasher=None)


def test_a_wrong_message_does_not_verify() -> None:
    keys, _ = make_keys(2, 3)
    sig = sign_once(keys, (1, 2, 3), hashlib.sha256(b"a").digest(), 7)
    pub = coincurve_key(derived_public_key(SECP256K1, keys[1].group_public_key, 7))
    assert not pub.verify(sig.to_der(), hashlib.sha256(b"b").digest(), hasher=None)


@settings(max_examples=12)
@given(
    t=st.integers(1, 3),
    extra=st.integers(0, 2),
    pick=st.randoms(use_true_random=False),
    message=st.binary(min_size=1, max_size=64),
    tweak=st.integers(0, N - 1),
    seed=st.integers(0, 2**32),
)
def test_any_valid_2t_minus_1_set_presigns_and_signs(t, extra, pick, message, tweak, seed) -> None:
    n = 2 * t - 1 + extra
    keys, _ = make_keys(t, n, seed)
    parts = tuple(sorted(pick.sample(range(1, n + 1), 2 * t - 1)))
    message_hash = hashlib.sha256(message).digest()
    sig = sign_once(keys, parts, message_hash, tweak, seed)
    pub = coincurve_key(derived_public_key(SECP256K1, keys[1].group_public_key, tweak))
    assert pub.verify(sig.to_der(), message_hash, hasher=None)
    assert sig.s <= N // 2


@pytest.mark.parametrize("t,size", [(2, 2), (2, 4), (3, 3), (3, 4), (3, 1)])
def test_presigning_with_a_set_other_than_2t_minus_1_is_refused(t: int, size: int) -> None:
    keys, _ = make_keys(t, 6)
    parts = tuple(range(1, size + 1))
    with pytest.raises(ParticipantMismatch):
        presign_round1(keys[1], parts, b"s", seeded_rng(0))


def test_malformed_presign_sets_are_refused() -> None:
    keys, _ = make_keys(2, 4)
    for parts in [(3, 2, 1), (1, 1, 2), (2, 3, 4), (1, 2, 9)]:
        with pytest.raises(ParticipantMismatch):
            presign_round1(keys[1], parts, b"s", seeded_rng(0))


def test_ecdsa_refuses_an_ed25519_key() -> None:
    rng = seeded_rng(5)
    keys = trusted_dealer_key_shares(ED25519, 5, range(1, 4), 2, rng)
    with pytest.raises(InvalidParameters):
        presign_round1(keys[1], (1, 2, 3), b"s", rng)


def test_every_party_holds_the_same_public_presignature_and_a_fresh_nonce() -> None:
    keys, _ = make_keys(2, 3)
    first = run_presign(keys, (1, 2, 3), b"s1", seeded_rng(10))
    second = run_presign(keys, (1, 2, 3), b"s1", seeded_rng(11))
    assert first[1].public == first[2].public == first[3].public
    assert first[1].public.big_r != second[1].public.big_r
    assert first[1].presignature_id != second[1].presignature_id
    assert "share" not in repr(first[1]).lower().replace("presignatureshare", "")


def test_key_share_round_trips_through_dkg_packages() -> None:
    keys, _ = make_keys(2, 3)
    key, public = keys[2].to_packages()
    again = KeyShare.from_packages(key, public, epoch=4)
    assert again.secret_share == keys[2].secret_share and again.epoch == 4
    assert again.verification_shares == keys[2].verification_shares
    assert all(
        len(SECP256K1.serialize_element(p)) == 33 for p in itertools.islice(public.verification_shares.values(), 3)
    )


def test_dkg_key_packages_presign_and_sign() -> None:
    from hot.mpc.crypto.dkg_local import run_local_dkg

    rng = seeded_rng(21)
    dkg = run_local_dkg(SECP256K1, 2, (1, 2, 3, 4), rng)
    keys = {i: KeyShare.from_packages(dkg.key_packages[i], dkg.public_key_package) for i in (1, 2, 3, 4)}
    message_hash = hashlib.sha256(b"from the dkg").digest()
    request = SignRequest.for_key_id("erin", message_hash, (2, 3, 4), rng(32))
    presignatures = run_presign(keys, (2, 3, 4), b"dkg", rng)
    sig = run_sign(presignatures, {i: request for i in (2, 3, 4)}, request, current_epoch=0)
    derived = derive_public_key(SECP256K1, dkg.public_key_package.group_public_key, "erin")
    assert coincurve_key(derived).verify(sig.to_der(), message_hash, hasher=None)


@settings(max_examples=10)
@given(t=st.integers(2, 3), drop=st.data())
def test_signing_with_fewer_shares_fails_cleanly(t: int, drop: st.DataObject) -> None:
    keys, _ = make_keys(t, 2 * t - 1)
    parts = tuple(range(1, 2 * t))
    presignatures = run_presign(keys, parts, b"fewer", seeded_rng(t))
    request = SignRequest(hashlib.sha256(b"fewer").digest(), 1, parts, bytes(32))
    agreed = intents_for(presignatures, request, current_epoch=0)
    shares = {i: sign_share(p, request, agreed, current_epoch=0) for i, p in presignatures.items()}
    kept = drop.draw(st.sets(st.sampled_from(parts), max_size=len(parts) - 1))
    with pytest.raises(MissingMessage) as caught:
        combine_signature(presignatures[1].public, request, {i: shares[i] for i in kept}, current_epoch=0)
    assert caught.value.culprit == min(set(parts) - kept)
    smaller = tuple(sorted(kept)) or (1,)
    with pytest.raises(ParticipantMismatch):
        presign_round1(keys[smaller[0]], smaller, b"fewer", seeded_rng(0))


@settings(max_examples=50)
@given(r=st.integers(1, N - 1), s=st.integers(1, N - 1), recovery_id=st.integers(0, 3))
def test_der_and_compact_encodings_match_cryptography(r: int, s: int, recovery_id: int) -> None:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    from hot.mpc.crypto.ecdsa import EcdsaSignature

    sig = EcdsaSignature(r, s, recovery_id)
    assert sig.to_der() == encode_dss_signature(r, s)
    assert sig.to_recoverable() == r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([recovery_id])


def test_secret_scalars_never_appear_in_reprs() -> None:
    from hot.mpc.crypto.ecdsa.local import run_presign as presign_all

    keys, _ = make_keys(2, 3)
    seen: list[Any] = []

    def record(kind: str, sender: int, recipient: int, message: Any) -> Any:
        seen.append(message)
        return message

    presignatures = presign_all(keys, (1, 2, 3), b"repr", seeded_rng(1), tamper=record)
    secrets_ = [str(getattr(m, f)) for m in seen for f in ("k_share", "a_share", "z_share", "u_share") if hasattr(m, f)]
    text = " ".join(repr(m) for m in seen) + repr(presignatures) + repr(keys)
    assert secrets_ and not any(secret in text for secret in secrets_)
    assert str(keys[1].secret_share) not in text
