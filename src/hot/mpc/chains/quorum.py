"""A quorum of endpoints that is itself a `ChainVerifier` (hot-validation-sdk's rule, made explicit).

All endpoints are asked concurrently. A verdict wins only if a strict majority of the *configured*
endpoints returned it: a timeout, an error or a malformed answer is a failed vote and counts
against every verdict, so with 3 endpoints one liar is outvoted and two liars (or two failures)
fail closed. The winning verdict records every endpoint that voted otherwise, and why.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from hot.mpc.chains.base import AuthMethod, ChainVerifier, Verdict
from hot.wire.errors import ChainError, ChainUnavailable, InvalidRequest, QuorumNotReached, Vote


class QuorumVerifier(ChainVerifier):
    """Strict-majority agreement among `members` (each usually one endpoint of the same chain)."""

    def __init__(self, members: Sequence[ChainVerifier], *, deadline_s: float | None = None) -> None:
        if not members:
            raise InvalidRequest("a quorum needs at least one endpoint")
        self.members = tuple(members)
        self.deadline_s = deadline_s

    @property
    def name(self) -> str:
        return f"quorum({', '.join(m.name for m in self.members)})"

    async def verify(
        self, auth_method: AuthMethod, msg_hash: bytes, key_id: str, user_payload: bytes, msg_body: str = ""
    ) -> Verdict:
        calls = [self._ask(m, auth_method, msg_hash, key_id, user_payload, msg_body) for m in self.members]
        outcomes = await asyncio.gather(*calls)
        for outcome in outcomes:
            if isinstance(outcome, InvalidRequest):
                raise outcome  # the question is bad for every endpoint alike: the caller's error, not a vote
        return decide(list(zip(self.members, outcomes)))

    async def _ask(
        self, member: ChainVerifier, auth_method: AuthMethod, msg_hash: bytes, key_id: str,
        user_payload: bytes, msg_body: str,
    ) -> Verdict | ChainError:
        """One member's vote; any failure becomes a failed vote instead of aborting the others."""
        try:
            call = member.verify(auth_method, msg_hash, key_id, user_payload, msg_body)
            if self.deadline_s is None:
                return await call
            return await asyncio.wait_for(call, self.deadline_s)
        except ChainError as exc:
            return exc
        except TimeoutError:
            return ChainUnavailable(f"{member.name}: no verdict within {self.deadline_s}s")
        except Exception as exc:  # noqa: BLE001 - an adapter bug on one answer is a failed vote, never an allow
            return ChainError(f"{member.name}: unexpected {type(exc).__name__}: {exc}")

    async def aclose(self) -> None:
        await asyncio.gather(*(m.aclose() for m in self.members))


def decide(votes: list[tuple[ChainVerifier, Verdict | ChainError]]) -> Verdict:
    """The verdict a strict majority of all votes agrees on, or `QuorumNotReached`."""
    keyed = [(member.name, _vote_key(outcome), outcome) for member, outcome in votes]
    tally = Counter(key for _, key, outcome in keyed if isinstance(outcome, Verdict))
    all_votes = tuple(Vote(name, key) for name, key, _ in keyed)
    if tally:
        winner_key, count = tally.most_common(1)[0]
        if 2 * count > len(votes):
            winner = next(o for _, k, o in keyed if k == winner_key and isinstance(o, Verdict))
            dissent = tuple(v for v in all_votes if v.outcome != winner_key)
            agreeing = tuple(v.endpoint for v in all_votes if v.outcome == winner_key)
            return replace(winner, endpoints=agreeing, dissent=dissent)
    raise QuorumNotReached(all_votes)


def _vote_key(outcome: Verdict | ChainError) -> str:
    if isinstance(outcome, Verdict):
        return outcome.key()
    return f"error:{type(outcome).__name__}: {outcome.message or outcome}"
