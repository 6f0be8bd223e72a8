"""Strict-majority quorum over real endpoints, for every chain: a liar is outvoted and named,
two faulty endpoints fail closed, a timeout fails closed, malformed answers never allow."""

from __future__ import annotations

import os
from contextlib import ExitStack

import pytest
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import AuthMethod, ChainVerifier, Decision, Verdict
from hot.wire.errors import ChainError, InvalidRequest, MalformedAnswer, QuorumNotReached, Vote
from hot.mpc.chains.quorum import QuorumVerifier, decide

from .chain_doubles import lying_proxy, slow_endpoint
from .chain_fixtures import ChainCase, run_verify

pytestmark = pytest.mark.integration
CHAINS = ["evm_case", "solana_case", "stellar_case", "ton_case"]


@pytest.fixture(params=CHAINS)
def case(request: pytest.FixtureRequest) -> ChainCase:
    return request.getfixturevalue(request.param)


def quorum(case: ChainCase, urls: list[str], timeout: float = 2.0) -> QuorumVerifier:
    return QuorumVerifier([_with_timeout(case, u, timeout) for u in urls])


def _with_timeout(case: ChainCase, url: str, timeout: float) -> ChainVerifier:
    verifier = case.make_verifier(url)
    verifier.endpoint.timeout = timeout  # type: ignore[attr-defined]
    return verifier


def test_one_liar_saying_allow_is_outvoted_and_named(case: ChainCase) -> None:
    msg_hash = os.urandom(32)  # never approved: the truth is deny
    with ServerThread(lying_proxy(case.url, case.lie_allow(msg_hash))) as liar:
        assert run_verify(case.make_verifier(liar.url), case.method, msg_hash).allowed is True  # the lie works alone
        verdict = run_verify(quorum(case, [case.url, liar.url, case.url]), case.method, msg_hash)
    assert verdict.decision is Decision.DENY
    assert verdict.dissent == (Vote(liar.url, "allow"),)
    assert verdict.endpoints == (case.url, case.url)


def test_approved_hash_survives_one_liar_saying_deny(case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    case.approve(msg_hash)
    with ServerThread(lying_proxy(case.url, case.lie_deny)) as liar:
        verdict = run_verify(quorum(case, [liar.url, case.url, case.url]), case.method, msg_hash)
    assert verdict.allowed and verdict.dissent == (Vote(liar.url, "deny"),)


def test_two_faulty_endpoints_fail_closed(case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    with ExitStack() as stack:
        liar = stack.enter_context(ServerThread(lying_proxy(case.url, case.lie_allow(msg_hash))))
        broken = stack.enter_context(ServerThread(lying_proxy(case.url, case.garbage)))
        with pytest.raises(QuorumNotReached) as caught:
            run_verify(quorum(case, [case.url, liar.url, broken.url]), case.method, msg_hash)
    outcomes = {v.endpoint: v.outcome for v in caught.value.votes}
    assert outcomes[liar.url] == "allow" and outcomes[case.url] == "deny"
    assert outcomes[broken.url].startswith("error:MalformedAnswer")


def test_two_liars_saying_deny_turn_an_allow_into_deny_never_the_reverse(case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    case.approve(msg_hash)
    with ExitStack() as stack:
        liars = [stack.enter_context(ServerThread(lying_proxy(case.url, case.lie_deny))) for _ in range(2)]
        verdict = run_verify(quorum(case, [case.url, liars[0].url, liars[1].url]), case.method, msg_hash)
    assert verdict.decision is Decision.DENY and verdict.dissent == (Vote(case.url, "allow"),)


def test_garbage_alone_is_a_typed_error(case: ChainCase) -> None:
    with ServerThread(lying_proxy(case.url, case.garbage)) as broken, pytest.raises(MalformedAnswer):
        run_verify(case.make_verifier(broken.url), case.method, os.urandom(32))


def test_timeout_is_a_failed_vote_and_fails_closed(case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    with (
        ServerThread(slow_endpoint(1.0)) as slow,
        ServerThread(lying_proxy(case.url, case.lie_allow(msg_hash))) as liar,
        pytest.raises(QuorumNotReached) as caught,
    ):
        run_verify(quorum(case, [case.url, liar.url, slow.url], timeout=0.2), case.method, msg_hash)
    assert any(v.endpoint == slow.url and "ChainUnavailable" in v.outcome for v in caught.value.votes)


class _Named(ChainVerifier):
    def __init__(self, label: str) -> None:
        self.label = label

    @property
    def name(self) -> str:
        return self.label

    async def verify(self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes,
                     msg_body: str = "") -> Verdict:
        raise NotImplementedError


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (["allow", "allow", "deny"], "allow"),
        (["allow", "error", "error"], None),
        (["allow", "allow", "error", "error"], None),  # 2 of 4 is not a strict majority
        (["deny", "deny", "allow", "error", "deny"], "deny"),
        (["error"], None),
    ],
)
def test_strict_majority_of_configured_endpoints(votes: list[str], expected: str | None) -> None:
    ballots: list[tuple[ChainVerifier, Verdict | ChainError]] = [
        (_Named(f"e{i}"), ChainError("down") if v == "error" else Verdict.of_bool(v == "allow", f"e{i}"))
        for i, v in enumerate(votes)
    ]
    if expected is None:
        with pytest.raises(QuorumNotReached):
            decide(ballots)
    else:
        assert decide(ballots).decision.value == expected


def test_empty_quorum_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        QuorumVerifier([])


def test_bad_input_is_the_callers_error_not_a_vote(case: ChainCase) -> None:
    with pytest.raises(InvalidRequest):
        run_verify(quorum(case, [case.url, case.url, case.url]), case.method, b"\x00" * 31)


def test_oversized_answer_is_malformed_not_read_whole(case: ChainCase) -> None:
    from hot.mpc.chains.transport import MAX_ANSWER_BYTES

    def flood(request: dict, answer: object) -> object:
        return {"padding": "x" * (MAX_ANSWER_BYTES + 1), "answer": answer}

    with ServerThread(lying_proxy(case.url, flood)) as flooder, pytest.raises(MalformedAnswer, match="larger"):
        run_verify(case.make_verifier(flooder.url), case.method, os.urandom(32))
