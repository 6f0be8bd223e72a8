"""Every ECDSA and reshare message has one byte encoding: the protocols run over it unchanged,
and malformed bytes are typed errors. A stored presignature loads back and signs; a consumed one
cannot be stored.
"""

from __future__ import annotations

import hashlib
from typing import Any

import coincurve
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hot.wire.errors import EncodingError, HotError, PresignatureReused
from hot.mpc.crypto.ecdsa import (
    PresignatureShare,
    PresignCommitments,
    PresignDealing,
    PresignProduct,
    PresignReshare,
    SignatureShare,
    SignIntent,
    SignRequest,
    derived_public_key,
    sign_share,
)
from hot.mpc.crypto.ecdsa.local import intents_for, run_presign, run_sign
from hot.mpc.crypto.reshare import (
    ReshareCommitment,
    ReshareParameters,
    ReshareShare,
    reshare_deal,
    reshare_receive,
    trusted_dealer_key_shares,
)
from hot.mpc.crypto.suites import ED25519, SECP256K1

from .crypto_testkit import seeded_rng

KEYS = trusted_dealer_key_shares(SECP256K1, 31337, range(1, 4), 2, seeded_rng(1))
PARTS = (1, 2, 3)
TYPES: dict[str, Any] = {
    "commitments": PresignCommitments,
    "dealing": PresignDealing,
    "product": PresignProduct,
    "reshare": PresignReshare,
    "signature_share": SignatureShare,
    "intent": SignIntent,
}
seen: dict[str, bytes] = {}


def over_the_wire(kind: str, sender: int, recipient: int, message: Any) -> Any:
    data = message.to_bytes(SECP256K1)
    seen[kind] = data
    decoded = TYPES[kind].from_bytes(SECP256K1, data)
    assert decoded == message
    return decoded


def test_presign_and_sign_run_over_the_byte_encoding() -> None:
    presignatures = run_presign(KEYS, PARTS, b"wire", seeded_rng(2), tamper=over_the_wire)
    message_hash = hashlib.sha256(b"wire").digest()
    request = SignRequest.from_bytes(SignRequest.for_key_id("dave", message_hash, PARTS, bytes(32)).to_bytes())
    sig = run_sign(presignatures, {i: request for i in PARTS}, request, current_epoch=0, tamper=over_the_wire)
    pub = derived_public_key(SECP256K1, KEYS[1].group_public_key, request.tweak)
    assert coincurve.PublicKey(SECP256K1.serialize_element(pub)).verify(sig.to_der(), message_hash, hasher=None)
    assert set(seen) == set(TYPES)


def test_a_stored_presignature_loads_and_signs_and_a_consumed_one_cannot_be_stored() -> None:
    presignatures = run_presign(KEYS, PARTS, b"store", seeded_rng(3))
    loaded = {i: PresignatureShare.from_bytes(p.to_bytes()) for i, p in presignatures.items()}
    assert all(loaded[i].public == presignatures[i].public for i in PARTS)
    request = SignRequest(hashlib.sha256(b"stored").digest(), 3, PARTS, bytes(32))
    assert run_sign(loaded, {i: request for i in PARTS}, request, current_epoch=0).r
    sign_share(presignatures[1], request, intents_for(presignatures, request, current_epoch=0), current_epoch=0)
    with pytest.raises(PresignatureReused):
        presignatures[1].to_bytes()


def test_reshare_messages_round_trip() -> None:
    params = ReshareParameters(KEYS[1].public(), (1, 2), (1, 2, 3, 4), 3, b"wire")
    dealt = {i: reshare_deal(KEYS[i], params, seeded_rng(10 + i)) for i in params.dealers}
    commitments = {i: ReshareCommitment.from_bytes(SECP256K1, d[0].to_bytes(SECP256K1)) for i, d in dealt.items()}
    new = {
        j: reshare_receive(
            params,
            j,
            commitments,
            {i: ReshareShare.from_bytes(SECP256K1, d[1][j].to_bytes(SECP256K1)) for i, d in dealt.items()},
        )
        for j in params.new_participants
    }
    assert new[4].group_public_key == KEYS[1].group_public_key
    with pytest.raises(EncodingError):
        ReshareShare.from_bytes(ED25519, dealt[1][1][1].to_bytes(SECP256K1)[:-1])


@settings(max_examples=40)
@given(
    kind=st.sampled_from(sorted(TYPES)), cut=st.integers(0, 200), flip=st.integers(0, 2000), extra=st.binary(max_size=3)
)
def test_malformed_messages_are_typed_errors(kind: str, cut: int, flip: int, extra: bytes) -> None:
    if kind not in seen:
        run_presign(KEYS, PARTS, b"fuzz", seeded_rng(4), tamper=over_the_wire)
        request = SignRequest(hashlib.sha256(b"fuzz").digest(), 0, PARTS, bytes(32))
        presignatures = run_presign(KEYS, PARTS, b"fuzz2", seeded_rng(5))
        run_sign(presignatures, {i: request for i in PARTS}, request, current_epoch=0, tamper=over_the_wire)
    data = bytearray(seen[kind])
    with pytest.raises(EncodingError):  # truncated anywhere
        TYPES[kind].from_bytes(SECP256K1, bytes(data[: min(cut, len(data) - 1)]))
    if extra:
        with pytest.raises(EncodingError):  # trailing bytes
            TYPES[kind].from_bytes(SECP256K1, bytes(data) + extra)
    data[flip % len(data)] ^= 0x5A
    try:
        TYPES[kind].from_bytes(SECP256K1, bytes(data))
    except HotError:
        pass  # a typed refusal; a flipped byte may also decode to another well-formed message


def test_truncated_and_padded_records_raise_encoding_errors() -> None:
    presignature = run_presign(KEYS, PARTS, b"rec", seeded_rng(6))[1]
    record = presignature.to_bytes()
    for bad in (record[:-1], record + b"\x00", b"", b"\x02" + record[1:]):
        with pytest.raises(HotError):
            PresignatureShare.from_bytes(bad)
