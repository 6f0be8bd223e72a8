"""Errors of the chain verifiers (hot.mpc.chains): asking chain X whether a policy allows a message.

Every failure is a ChainError and the request is refused (whitepaper §2.3: a failure is never an
allow). The node turns them into `authorization_denied`; their statuses say whose fault it is if
one is ever answered directly (502: the chain's endpoint, 400: the question).
"""

from __future__ import annotations

from dataclasses import dataclass

from hot.wire.errors.base import HotError
from hot.wire.errors.codes import ContractCode


class ChainError(HotError):
    """Asking a chain for a policy's answer failed; the request is refused (fail closed)."""

    code = "chain_error"
    status = 502


class InsecureEndpoint(ChainError):
    """An endpoint URL is not https (plain http is allowed only to a loopback address)."""

    code = "insecure_endpoint"
    status = 500


class ChainUnavailable(ChainError):
    """An endpoint did not answer in time, refused the connection or returned an HTTP error."""

    code = "chain_unavailable"
    status = 503


class MalformedAnswer(ChainError):
    """An endpoint answered, but not in the shape the chain's RPC defines (wrong type, truncated, bad ABI)."""

    code = "malformed_answer"


class PolicyCallFailed(ChainError):
    """The chain ran the policy and the call itself failed (revert, missing contract, VM error)."""

    code = "policy_call_failed"
    contract_code = ContractCode.VIEW_CALL_FAILED


class InvalidRequest(ChainError):
    """The question to a chain verifier is malformed (a msg_hash that is not 32 bytes, bad method metadata)."""

    code = "invalid_request"
    status = 400


class WrongChain(ChainError):
    """An endpoint serves a different chain than the one it is configured for (e.g. its chain id)."""

    code = "wrong_chain"


class UnknownChain(ChainError):
    """No verifier is configured for an auth method's chain id."""

    code = "unknown_chain"
    status = 400
    contract_code = ContractCode.UNVERIFIABLE_METHOD


class DelegationRefused(ChainError):
    """A delegation chain was too deep or returned to a call already on the path (a loop)."""

    code = "delegation_refused"
    status = 400


@dataclass(frozen=True)
class Vote:
    """One endpoint's contribution to a quorum: its verdict key, or the error that made it a failed vote."""

    endpoint: str
    outcome: str


class QuorumNotReached(ChainError):
    """No verdict was returned by a strict majority of endpoints; every vote is attached."""

    code = "quorum_not_reached"

    def __init__(self, votes: tuple[Vote, ...], message: str = "") -> None:
        detail = "; ".join(f"{v.endpoint}: {v.outcome}" for v in votes)
        super().__init__(message or f"no strict majority among {len(votes)} endpoints ({detail})")
        self.votes = votes
