"""Property tests for k-of-m thresholds: allowed iff at least k distinct registered keys signed."""

from __future__ import annotations

import hashlib

from hot.sdk.policies.multisig import MultisigConfig
from hypothesis import given
from hypothesis import strategies as st

from tests.support.signers import Member

SCHEMES = ("ed25519", "secp256k1", "bip340")
POOL = tuple(Member(f"s{i}", SCHEMES[i % 3], 60 + i) for i in range(7))
OUTSIDER = Member("s0", "ed25519", 99)  # claims a registered label with an unregistered key
MSG = hashlib.sha256(b"threshold property").digest()
SIGNATURES = {m.label: m.sign(MSG) for m in POOL}
WRONG = {m.label: m.sign(hashlib.sha256(b"another message").digest()) for m in POOL}


@st.composite
def configs_and_proofs(draw: st.DrawFn) -> tuple[MultisigConfig, dict[str, bytes], int]:
    m = draw(st.integers(1, len(POOL)))
    k = draw(st.integers(1, m))
    members = POOL[:m]
    signing = draw(st.sets(st.sampled_from([x.label for x in members])))
    wrong = draw(st.sets(st.sampled_from([x.label for x in POOL])))  # wrong-message signatures
    proof = {label: SIGNATURES[label] for label in signing}
    proof.update({label: WRONG[label] for label in wrong - signing})
    if draw(st.booleans()) and "s0" not in signing:
        proof["s0"] = OUTSIDER.sign(MSG)
    return MultisigConfig(k, tuple(x.key for x in members)), proof, len(signing)


@given(configs_and_proofs())
def test_property_allowed_iff_k_valid_registered_signatures(case: tuple[MultisigConfig, dict[str, bytes], int]) -> None:
    config, proof, valid_signers = case
    assert config.allows(MSG, proof) == (valid_signers >= config.threshold)


@given(st.integers(1, len(POOL)), st.data())
def test_property_every_k_subset_signs_and_no_smaller_one_does(m: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(1, m))
    config = MultisigConfig(k, tuple(x.key for x in POOL[:m]))
    chosen = data.draw(st.sets(st.sampled_from(range(m)), min_size=k - 1, max_size=k - 1) if k > 1 else st.just(set()))
    below = {POOL[i].label: SIGNATURES[POOL[i].label] for i in chosen}
    assert not config.allows(MSG, below)
    extra = next(i for i in range(m) if i not in chosen)
    assert config.allows(MSG, {**below, POOL[extra].label: SIGNATURES[POOL[extra].label]})
