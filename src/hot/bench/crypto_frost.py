"""Benchmarks of the Schnorr family: DKG and FROST rounds, both suites, plus ZF frost for scale.

Rows are `{"bench", "suite", "t", "n", "median_ms"}`:
- `dkg`: the whole DKG (`run_local_dkg`, all rounds of all participants) divided by n, i.e. the
  work of one participant; 3-of-5 and 7-of-10.
- `frost.round1`: one signer's `commit`; `frost.round2`: one signer's `sign` (from a signing
  package whose commitments were decoded on receipt); `frost.aggregate`: the coordinator's
  `aggregate`, which verifies the shares (via the aggregate signature, per share on failure).
- `frost.round2+decode`, `frost.aggregate+decode` (2-of-3): the same calls starting from the
  signing package's wire bytes, every foreign commitment decoded and validated in the call.
- `zf-frost.*`: ZF frost through its Python bindings (`frost-rs`), Ed25519 2-of-3, measured in
  the same run when the package is installed (it takes and returns serialized strings).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from hot.bench.report import median_ms
from hot.mpc.crypto import frost
from hot.mpc.crypto.dealer import trusted_dealer_keygen
from hot.mpc.crypto.dkg_local import run_local_dkg
from hot.mpc.crypto.suites import SUITES, Ciphersuite

SIGNING_SIZES = ((2, 3), (67, 100))
DKG_SIZES = ((3, 5), (7, 10))
MESSAGE = b"hot-protocol benchmark message"


def _row(bench: str, suite: str, t: int, n: int, ms: float) -> dict[str, Any]:
    return {"bench": bench, "suite": suite, "t": t, "n": n, "median_ms": round(ms, 4)}


def _repeat(quick: bool, t: int) -> int:
    base = 5 if quick else 41
    return max(3, base // 4) if t > 10 else base * (2 if t <= 3 else 1)


def dkg_rows(suite: Ciphersuite, quick: bool) -> list[dict[str, Any]]:
    rows = []
    for t, n in DKG_SIZES:
        ms = median_ms(
            lambda t=t, n=n: run_local_dkg(suite, t, range(1, n + 1), secrets.token_bytes),  # type: ignore[misc]
            repeat=3 if quick else 7,
        )
        rows.append(_row("dkg", suite.name, t, n, ms / n))
    return rows


def frost_rows(suite: Ciphersuite, t: int, n: int, quick: bool) -> list[dict[str, Any]]:
    keys, public = trusted_dealer_keygen(suite, t, range(1, n + 1), secrets.token_bytes)
    signers = list(range(1, t + 1))
    rounds = {i: frost.commit(suite, keys[i], secrets.token_bytes) for i in signers}
    package = frost.SigningPackage.create(suite, [c for _, c in rounds.values()], MESSAGE)
    shares = [frost.sign(suite, package, rounds[i][0], keys[i]) for i in signers]
    first = signers[0]
    repeat = _repeat(quick, t)
    benches: list[tuple[str, Callable[[], object]]] = [
        ("frost.round1", lambda: frost.commit(suite, keys[first], secrets.token_bytes)),
        # A fresh package per call: a cached property must not make later calls look cheaper.
        ("frost.round2", lambda: frost.sign(suite, _fresh(package), rounds[first][0], keys[first])),
        ("frost.aggregate", lambda: frost.aggregate(suite, _fresh(package), shares, public)),
    ]
    if t <= 3:
        # The same rounds starting from wire bytes: every commitment decoded and validated
        # (RFC 9591 §4.1, for ed25519 including the prime-order subgroup check) in the call.
        # The signer already holds its own commitments decoded, so only the others' are decoded.
        wire = package.to_bytes(suite)
        own = [rounds[first][1]]
        wire_shares = [s.to_bytes(suite) for s in shares]
        benches += [
            (
                "frost.round2+decode",
                lambda: frost.sign(suite, frost.SigningPackage.from_bytes(suite, wire, own), rounds[first][0], keys[first]),
            ),
            (
                "frost.aggregate+decode",
                lambda: frost.aggregate(
                    suite,
                    frost.SigningPackage.from_bytes(suite, wire),
                    [frost.SignatureShare.from_bytes(suite, w) for w in wire_shares],
                    public,
                ),
            ),
        ]
    return [
        _row(name, suite.name, t, n, median_ms(fn, repeat=repeat * 3 if name == "frost.round1" else repeat))
        for name, fn in benches
    ]


def _fresh(package: frost.SigningPackage) -> frost.SigningPackage:
    return frost.SigningPackage(package.suite, package.commitments, package.message)


def zf_frost_rows(quick: bool) -> list[dict[str, Any]]:
    """ZF frost (frost-rs 1.0.0) Ed25519 2-of-3 through its own DKG, same message, same machine."""
    try:
        import frost_rs  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        return []
    zf = frost_rs.utility_ed25519
    ids = [zf.get_id() for _ in range(3)]
    r1 = {i: zf.round1(i, 2, 3) for i in ids}
    r2 = {i: zf.round2(r1[i][0], {j: r1[j][1] for j in ids if j != i}) for i in ids}
    r3 = {
        i: zf.round3(r2[i][0], {j: r1[j][1] for j in ids if j != i}, {j: r2[j][1][i] for j in ids if j != i})
        for i in ids
    }
    keys, public = {i: r3[i][0] for i in ids}, r3[ids[0]][1]
    signers = ids[:2]
    pre = {i: zf.preprocess(keys[i]) for i in signers}
    commitments = {i: pre[i][1] for i in signers}
    shares = {i: zf.sign(MESSAGE, commitments, pre[i][0], keys[i]) for i in signers}
    if not zf.verify(MESSAGE, public, zf.aggregate(MESSAGE, commitments, shares, public)):
        raise RuntimeError("ZF frost produced an invalid signature")
    repeat = _repeat(quick, 2)
    first = signers[0]
    return [
        _row("zf-frost.round1", "ed25519", 2, 3, median_ms(lambda: zf.preprocess(keys[first]), repeat=repeat * 3)),
        _row("zf-frost.round2", "ed25519", 2, 3, median_ms(lambda: zf.sign(MESSAGE, commitments, pre[first][0], keys[first]), repeat=repeat)),
        _row("zf-frost.aggregate", "ed25519", 2, 3, median_ms(lambda: zf.aggregate(MESSAGE, commitments, shares, public), repeat=repeat)),
    ]


def rows(quick: bool = False) -> list[dict[str, Any]]:
    """Every Schnorr-family row of `hot bench crypto`."""
    out: list[dict[str, Any]] = []
    for suite in SUITES.values():
        out.extend(dkg_rows(suite, quick))
        for t, n in SIGNING_SIZES:
            out.extend(frost_rows(suite, t, n, quick))
    out.extend(zf_frost_rows(quick))
    return out
