"""The gatekeeper as FROST coordinator for one attempt (RFC 9591 §5, over docs/node-api.md).

Round one: `/v1/sign/commit` to each chosen signer (each node authorizes independently, then
answers one `SigningCommitments` per message). Round two: the full commitment list goes to every
signer in `/v1/sign/share`, which answers one `SignatureShare` per message (hex of
`SignatureShare.to_bytes`). `frost.aggregate` under the key derived for key_id (whitepaper §2.2.5)
checks the result and, when it fails, names the signer whose share is bad (RFC 9591 §5.4).
"""

from __future__ import annotations

from typing import Any

from hot.mpc.crypto import frost
from hot.mpc.crypto.derivation import derive_public_key_package
from hot.mpc.crypto.frost_messages import (
    SignatureShare,
    SigningCommitments,
    SigningPackage,
)
from hot.mpc.crypto.keys import PublicKeyPackage
from hot.mpc.crypto.suites import ED25519, Ciphersuite
from hot.mpc.gatekeeper.node_client import NodeClient, answer_items, gather_answers, parse_answers
from hot.wire.receipts import GatekeeperReceipt
from hot.mpc.gatekeeper.signing_job import AttemptFailed
from hot.wire.requests import SigningRequest
from hot.wire.signatures import SignatureResult

from hot.wire.errors import CulpritError, HotError, NodeFailure


async def run_frost_attempt(
    client: NodeClient,
    job: SigningRequest,
    receipt: GatekeeperReceipt,
    signers: tuple[int, ...],
    root_package: PublicKeyPackage,
    session_id: str,
) -> list[SignatureResult]:
    """Commit, share and aggregate among `signers`; AttemptFailed names every failing node."""
    suite = ED25519
    commit_body = {"session_id": session_id, "receipt": receipt.to_json(), "request": job.to_wire(), "signers": list(signers)}
    answers, failures = await gather_answers({p: client.post(p, "/v1/sign/commit", commit_body) for p in signers})
    commitments = parse_answers(answers, failures, lambda p, a: _parse_commitments(suite, p, a, len(job.messages)))
    if failures:
        raise AttemptFailed(failures)
    package_body = {
        "commitments": {
            str(p): [c.to_wire(suite) for c in cs]
            for p, cs in commitments.items()
        }
    }
    share_body = {"session_id": session_id, "package": package_body}
    answers, failures = await gather_answers({p: client.post(p, "/v1/sign/share", share_body) for p in signers})
    shares = parse_answers(answers, failures, lambda p, a: _parse_shares(suite, p, a, len(job.messages)))
    if failures:
        raise AttemptFailed(failures)
    derived = derive_public_key_package(suite, root_package, job.key_id)
    public_key = suite.serialize_element(derived.group_public_key)
    out = []
    for m, message in enumerate(job.messages):
        package = SigningPackage.create(suite, [commitments[p][m] for p in signers], message)
        try:
            signature = frost.aggregate(suite, package, [shares[p][m] for p in signers], derived)
        except CulpritError as exc:
            raise AttemptFailed([NodeFailure(int(exc.culprit), f"named by FROST aggregation: {exc}", rest=True)]) from exc
        except HotError as exc:
            raise AttemptFailed(reason=f"aggregation failed without a culprit: {exc}") from exc
        out.append(SignatureResult(signature.to_bytes(suite), public_key, None))
    return out


def _parse_commitments(suite: Ciphersuite, p: int, answer: dict[str, Any], count: int) -> list[SigningCommitments]:
    items = answer_items(p, answer, "commitments", count)
    return [SigningCommitments.from_wire(suite, p, c) for c in items]


def _parse_shares(suite: Ciphersuite, p: int, answer: dict[str, Any], count: int) -> list[SignatureShare]:
    shares = [SignatureShare.from_bytes(suite, bytes.fromhex(s)) for s in answer_items(p, answer, "shares", count)]
    if any(s.identifier != p for s in shares):
        raise ValueError("a share is filed under another participant")
    return shares
