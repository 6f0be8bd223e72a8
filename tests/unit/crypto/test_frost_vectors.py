"""RFC 9591 Appendix E vectors: every intermediate value, both suites, from inputs and randomness."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hot.mpc.crypto import frost
from hot.mpc.crypto.keys import KeyPackage, PublicKeyPackage
from hot.mpc.crypto.polynomial import Polynomial, interpolate_at_zero
from hot.mpc.crypto.suites import get_suite
from nacl.signing import VerifyKey

from .crypto_testkit import load_vector, scripted_rng

SUITES = ["ed25519", "secp256k1"]


def _scalar(suite, hex_value):
    return suite.deserialize_scalar(bytes.fromhex(hex_value))


def _setup(name):
    suite = get_suite(name)
    v = load_vector(name)
    inputs = v["inputs"]
    sk = _scalar(suite, inputs["group_secret_key"])
    pk = suite.deserialize_element(bytes.fromhex(inputs["group_public_key"]))
    coefficients = [sk] + [_scalar(suite, c) for c in inputs["share_polynomial_coefficients"]]
    shares = {s["identifier"]: _scalar(suite, s["participant_share"]) for s in inputs["participant_shares"]}
    threshold = int(v["config"]["MIN_PARTICIPANTS"])
    ids = tuple(sorted(shares))
    packages = {
        i: KeyPackage(name, i, shares[i], suite.base_mul(shares[i]), pk, threshold, ids) for i in ids
    }
    public = PublicKeyPackage(name, {i: p.verification_share for i, p in packages.items()}, pk, threshold)
    return suite, v, sk, pk, coefficients, shares, packages, public


@pytest.mark.parametrize("name", SUITES)
def test_key_material_matches_vector(name):
    suite, v, sk, _, coefficients, shares, _, _ = _setup(name)
    assert suite.serialize_element(suite.base_mul(sk)).hex() == v["inputs"]["group_public_key"]
    poly = Polynomial(tuple(coefficients), suite.order)
    assert poly.shares(shares) == shares
    assert interpolate_at_zero(suite.order, {i: shares[i] for i in v["inputs"]["participant_list"]}) == sk


def _round_one(suite, v, packages):
    nonces, commitments = {}, []
    for out in v["round_one_outputs"]["outputs"]:
        i = out["identifier"]
        rng = scripted_rng([bytes.fromhex(out["hiding_nonce_randomness"]), bytes.fromhex(out["binding_nonce_randomness"])])
        nonce, commitment = frost.commit(suite, packages[i], rng)
        assert suite.serialize_scalar(nonce.hiding).hex() == out["hiding_nonce"]
        assert suite.serialize_scalar(nonce.binding).hex() == out["binding_nonce"]
        assert suite.serialize_element(commitment.hiding).hex() == out["hiding_nonce_commitment"]
        assert suite.serialize_element(commitment.binding).hex() == out["binding_nonce_commitment"]
        nonces[i] = nonce
        commitments.append(commitment)
    return nonces, commitments


@pytest.mark.parametrize("name", SUITES)
def test_every_intermediate_value(name):
    suite, v, _, pk, _, _, packages, public = _setup(name)
    message = bytes.fromhex(v["inputs"]["message"])
    nonces, commitments = _round_one(suite, v, packages)
    package = frost.SigningPackage.create(suite, commitments, message)
    assert list(package.signer_ids) == v["inputs"]["participant_list"]

    prefix = frost.rho_input_prefix(suite, pk, package)
    factors = frost.compute_binding_factors(suite, pk, package)
    for out in v["round_one_outputs"]["outputs"]:
        i = out["identifier"]
        rho_input = prefix + suite.serialize_scalar(i)
        assert rho_input.hex() == out["binding_factor_input"]
        assert suite.serialize_scalar(suite.H1(rho_input)).hex() == out["binding_factor"]
        assert suite.serialize_scalar(factors[i]).hex() == out["binding_factor"]

    session = frost.signing_session(suite, package, pk)
    sig_hex = v["final_output"]["sig"]
    R_hex = sig_hex[: 2 * suite.element_size]
    assert suite.serialize_element(session.group_commitment).hex() == R_hex
    assert session.challenge == frost.compute_challenge(suite, session.group_commitment, pk, message)

    shares = []
    for out in v["round_two_outputs"]["outputs"]:
        share = frost.sign(suite, package, nonces[out["identifier"]], packages[out["identifier"]])
        assert suite.serialize_scalar(share.share).hex() == out["sig_share"]
        assert frost.verify_signature_share(suite, package, session, share, public.verification_shares[share.identifier])
        shares.append(share)

    signature = frost.aggregate(suite, package, shares, public)
    assert signature.to_bytes(suite).hex() == sig_hex
    assert frost.verify_signature(suite, pk, message, signature)
    assert frost.Signature.from_bytes(suite, bytes.fromhex(sig_hex)) == signature


def test_ed25519_vector_signature_verifies_with_independent_libraries():
    v = load_vector("ed25519")
    pk = bytes.fromhex(v["inputs"]["group_public_key"])
    sig = bytes.fromhex(v["final_output"]["sig"])
    msg = bytes.fromhex(v["inputs"]["message"])
    Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
    VerifyKey(pk).verify(msg, sig)
