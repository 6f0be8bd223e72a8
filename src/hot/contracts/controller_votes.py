"""Proposals voted by the current participants while Running (whitepaper §2.2.4, §4.1.1, §4.1.3).

A proposal passes with a supermajority (>= 60%) of the current epoch's participants. Votes are
kept per epoch and dropped on every state transition, so a vote cast for the old set can never
count toward a change of the new one. Each proposal is validated on every vote: a proposal the
schemes cannot run (e.g. ECDSA with n < 2t-1) is refused before any vote is recorded.
"""

from __future__ import annotations

from typing import Any

from hot.contracts.controller_keys import KeyEventsMixin
from hot.contracts.controller_rules import (
    ProtocolState,
    check_scheme,
    check_threshold,
    require_state_allows,
    supermajority,
)
from hot.contracts.controller_storage import controller_event
from hot.sdk.contract import call, require
from hot.wire.errors import ContractCode as E


class VotesMixin(KeyEventsMixin):
    """vote_add_participant, vote_remove_participant, vote_threshold, vote_add_domain, vote_remove_gatekeeper."""

    def _cast(self, call_name: str, proposal_key: str) -> bool:
        """Record the caller's vote for `proposal_key`; True when it just reached the supermajority."""
        require_state_allows(self._state(), call_name)
        members = self.participants.get()
        voter = self._require_voter(members)
        votes = self.votes.get()
        proposals = dict(votes["proposals"]) if votes["epoch"] == self.epoch.get() else {}
        voters = list(proposals.get(proposal_key, []))
        require(voter not in voters, E.ALREADY_VOTED, "this participant already voted for this proposal")
        voters.append(voter)
        proposals[proposal_key] = voters
        self.votes.set({"epoch": self.epoch.get(), "proposals": proposals})
        controller_event("vote", {"proposal": proposal_key, "voter": voter, "votes": len(voters),
                                  "needed": supermajority(len(members))})
        return len(voters) >= supermajority(len(members))

    @call
    def vote_add_participant(self, account_id: str) -> None:
        """Add a registered, staked node; passing starts a reshare to the enlarged set."""
        require_state_allows(self._state(), "vote_add_participant")
        self._require_voter(self.participants.get())
        members = list(self.participants.get())
        require(account_id in self.nodes, E.UNKNOWN_NODE, f"{account_id} has not registered its keys")
        require(account_id not in members, E.ALREADY_PARTICIPANT, f"{account_id} is already a participant")
        self._require_min_stake(account_id)
        new_set = members + [account_id]
        check_threshold(self.threshold.get(), len(new_set), self._schemes())
        if self._cast("vote_add_participant", f"add_participant:{account_id}"):
            self._start_reshare(new_set, self.threshold.get())

    @call
    def vote_remove_participant(self, account_id: str) -> None:
        """Remove a participant (e.g. one flagged for a stale attestation); passing starts a reshare."""
        require_state_allows(self._state(), "vote_remove_participant")
        self._require_voter(self.participants.get())
        members = list(self.participants.get())
        require(account_id in members, E.NOT_PARTICIPANT, f"{account_id} is not a participant")
        new_set = [m for m in members if m != account_id]
        check_threshold(self.threshold.get(), len(new_set), self._schemes())
        if self._cast("vote_remove_participant", f"remove_participant:{account_id}"):
            self._start_reshare(new_set, self.threshold.get())

    @call
    def vote_threshold(self, threshold: int) -> None:
        """Change the threshold for the same set; passing starts a reshare."""
        require_state_allows(self._state(), "vote_threshold")
        self._require_voter(self.participants.get())
        require(threshold != self.threshold.get(), E.BAD_THRESHOLD, "that is the current threshold")
        check_threshold(threshold, len(self.participants.get()), self._schemes())
        if self._cast("vote_threshold", f"threshold:{threshold}"):
            self._start_reshare(list(self.participants.get()), threshold)

    @call
    def vote_add_domain(self, scheme: str) -> None:
        """Add a domain (a new root key); passing moves to Initializing for its key generation."""
        require_state_allows(self._state(), "vote_add_domain")
        self._require_voter(self.participants.get())
        check_scheme(scheme)
        check_threshold(self.threshold.get(), len(self.participants.get()), self._schemes() + [scheme])
        domains = self.domains.get()
        if self._cast("vote_add_domain", f"add_domain:{scheme}:{len(domains)}"):
            new_id = len(domains)
            self.domains.set(list(domains) + [{"id": new_id, "scheme": scheme, "public_key": None}])
            self._transition(ProtocolState.INITIALIZING)
            self._start_keygen(new_id)

    @call
    def vote_remove_gatekeeper(self, gatekeeper_id: str) -> None:
        """Nodes collectively remove an abusive gatekeeper (whitepaper §4.1.3)."""
        require_state_allows(self._state(), "vote_remove_gatekeeper")
        self._require_voter(self.participants.get())
        record = self.gatekeepers.get(gatekeeper_id)
        require(record is not None and record["status"] == "active",
                E.UNKNOWN_GATEKEEPER, f"{gatekeeper_id} is not an active gatekeeper")
        if self._cast("vote_remove_gatekeeper", f"remove_gatekeeper:{gatekeeper_id}"):
            self.gatekeepers[gatekeeper_id] = {**record, "status": "removed"}
            self.votes.set({"epoch": self.epoch.get(), "proposals": {
                k: v for k, v in self.votes.get()["proposals"].items() if k != f"remove_gatekeeper:{gatekeeper_id}"}})
            controller_event("gatekeeper_removed", {"gatekeeper_id": gatekeeper_id, "by": "participants"})

    def _open_votes(self) -> dict[str, Any]:
        votes = self.votes.get()
        return votes["proposals"] if votes["epoch"] == self.epoch.get() else {}
