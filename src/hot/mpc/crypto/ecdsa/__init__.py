"""Honest-majority threshold ECDSA over secp256k1 (Damgård et al. 2020, shaped as ARCHITECTURE.md).

`presign_round1` / `presign_round2` / `presign_finish` make a single-use `PresignatureShare` among
exactly 2t-1 parties. Online: every signer broadcasts a `sign_intent` (transcript hash only);
`sign_share`, given all intents, is the one round of shares; `combine_signature` checks every
share (identifiable abort), interpolates, normalizes low-s and verifies before returning.
"""

from hot.mpc.crypto.ecdsa.messages import PresignCommitments, PresignDealing, PresignProduct, PresignReshare
from hot.mpc.crypto.ecdsa.presign import presign_finish, presign_round1, presign_round2
from hot.mpc.crypto.ecdsa.presignature import PresignaturePublic, PresignatureShare
from hot.mpc.crypto.ecdsa.agreement import SignIntent, sign_intent
from hot.mpc.crypto.ecdsa.request import SignRequest, derived_public_key
from hot.mpc.crypto.ecdsa.sign import SignatureShare, combine_signature, sign_share
from hot.mpc.crypto.ecdsa.signature import EcdsaSignature, verify_ecdsa

__all__ = [
    "EcdsaSignature",
    "PresignCommitments",
    "PresignDealing",
    "PresignProduct",
    "PresignReshare",
    "PresignaturePublic",
    "PresignatureShare",
    "SignIntent",
    "SignRequest",
    "SignatureShare",
    "combine_signature",
    "derived_public_key",
    "presign_finish",
    "presign_round1",
    "presign_round2",
    "sign_intent",
    "sign_share",
    "verify_ecdsa",
]
