"""Benchmarks of threshold ECDSA (presign, sign) and resharing, as rows for `hot bench crypto`.

Every party runs in this process, so a figure "per party" is the whole protocol's time divided
by the number of parties:
- `ecdsa.presign`: all three presign steps of all 2t-1 parties, / (2t-1);
- `ecdsa.sign`: every party's `sign_intent` and `sign_share`, plus one combiner's checks and
  combination, / (2t-1);
- `reshare`: every dealer's dealing plus every new member's checks and combination, / n' (5 old
  members with t=3 to 7 new members with t'=4: the set grows 5 -> 7).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from hot.bench.report import median_ms
from hot.mpc.crypto.ecdsa import SignRequest, combine_signature, sign_intent, sign_share
from hot.mpc.crypto.ecdsa.local import run_presign
from hot.mpc.crypto.ecdsa.presignature import PresignatureShare
from hot.mpc.crypto.reshare import (
    KeyShare,
    ReshareParameters,
    reshare_deal,
    reshare_receive,
    trusted_dealer_key_shares,
)
from hot.mpc.crypto.suites import ED25519, SECP256K1, Ciphersuite

rng = secrets.token_bytes


def _keys(suite: Ciphersuite, t: int, n: int) -> dict[int, KeyShare]:
    return trusted_dealer_key_shares(suite, suite.random_scalar(rng), range(1, n + 1), t, rng)


def _presign_row(t: int, repeat: int) -> dict[str, Any]:
    n = 2 * t - 1
    keys = _keys(SECP256K1, t, n)
    parts = tuple(range(1, n + 1))
    ms = median_ms(lambda: run_presign(keys, parts, rng(16), rng), repeat=repeat)
    return {"bench": "ecdsa.presign", "suite": "secp256k1", "t": t, "n": n, "median_ms": ms / n}


def _sign_row(t: int, repeat: int) -> dict[str, Any]:
    n = 2 * t - 1
    keys = _keys(SECP256K1, t, n)
    parts = tuple(range(1, n + 1))
    pool: list[dict[int, PresignatureShare]] = [run_presign(keys, parts, rng(16), rng) for _ in range(repeat + 1)]
    request = SignRequest(hashlib.sha256(b"bench").digest(), 12345, parts, rng(32))

    def sign_once() -> None:
        presignatures = pool.pop()
        intents = {i: sign_intent(p, request, current_epoch=0) for i, p in presignatures.items()}
        shares = {i: sign_share(p, request, intents, current_epoch=0) for i, p in presignatures.items()}
        combine_signature(presignatures[1].public, request, shares, current_epoch=0)

    return {
        "bench": "ecdsa.sign",
        "suite": "secp256k1",
        "t": t,
        "n": n,
        "median_ms": median_ms(sign_once, repeat=repeat) / n,
    }


def _reshare_row(suite: Ciphersuite, repeat: int) -> dict[str, Any]:
    old = _keys(suite, 3, 5)
    params = ReshareParameters(old[1].public(), (1, 2, 3, 4, 5), tuple(range(1, 8)), 4, b"bench")

    def reshare_once() -> None:
        dealt = {i: reshare_deal(old[i], params, rng) for i in params.dealers}
        commitments = {i: d[0] for i, d in dealt.items()}
        for j in params.new_participants:
            reshare_receive(params, j, commitments, {i: d[1][j] for i, d in dealt.items()})

    ms = median_ms(reshare_once, repeat=repeat)
    return {"bench": "reshare", "suite": suite.name, "t": 4, "n": 7, "median_ms": ms / len(params.new_participants)}


def rows(quick: bool = False) -> list[dict[str, Any]]:
    """ECDSA presign/sign at t=2 (3 parties) and t=5 (9 parties); reshare 5 -> 7 for both suites."""
    repeat = 5 if quick else 25
    out = [_presign_row(t, repeat) for t in (2, 5)]
    out += [_sign_row(t, repeat) for t in (2, 5)]
    out += [_reshare_row(suite, repeat) for suite in (SECP256K1, ED25519)]
    return out
