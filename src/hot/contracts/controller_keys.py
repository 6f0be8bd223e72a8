"""Key events: distributed key generation per domain and resharing between epochs.

Whitepaper §2.2.3 (DKG, Key Resharing) and §2.2.4 (initialization and resharing flow). A key
event is confirmed by *every* participant that ends up holding a share: a DKG or reshare that
some member did not finish leaves the set weaker than the threshold the chain advertises, so the
Controller waits for all of them and, if one stalls, lets anyone cancel after
`key_event_timeout_blocks` and the nodes retry (attempt + 1) or vote the stalled node out.
"""

from __future__ import annotations

from typing import Any

from hot.contracts.controller_rules import (
    ProtocolState,
    check_hex_key,
    check_scheme,
    check_threshold,
    require_state_allows,
    root_key_size,
    supermajority,
)
from hot.contracts.controller_storage import ControllerStorage, controller_event
from hot.sdk.contract import call, env, require
from hot.wire.errors import ContractCode as E


class KeyEventsMixin(ControllerStorage):
    """begin_keygen, vote_pk, vote_reshared, cancel_stalled_key_event, vote_cancel_resharing, trigger_refresh."""

    def _start_keygen(self, domain_id: int) -> None:
        self.key_event.set({"kind": "keygen", "domain_id": domain_id, "epoch": self.epoch.get(), "attempt": 0,
                            "started_at_block": env.block_height, "participants": list(self.participants.get()),
                            "threshold": self.threshold.get(), "votes": {}})
        controller_event("key_event_started", self.key_event.get())

    def _start_reshare(self, participants: list[str], threshold: int) -> None:
        epoch = self.next_epoch.get()
        self.next_epoch.set(epoch + 1)  # an epoch id is never reused, even by a cancelled reshare
        self._transition(ProtocolState.RESHARING)
        self.key_event.set({"kind": "reshare", "domain_id": None, "epoch": epoch, "attempt": 0,
                            "started_at_block": env.block_height, "participants": participants,
                            "threshold": threshold, "votes": {}})
        controller_event("key_event_started", self.key_event.get())

    @call
    def begin_keygen(self, participants: list[str], threshold: int, schemes: list[str]) -> None:
        """DAO: NotInitialized -> Initializing with the first set, threshold and domains."""
        self._require_dao()
        require_state_allows(self._state(), "begin_keygen")
        require(participants and len(set(participants)) == len(participants),
                E.BAD_PARTICIPANTS, "participants must be distinct and non-empty")
        require(schemes, E.BAD_SCHEME, "at least one domain is needed")
        for scheme in schemes:
            check_scheme(scheme)
        check_threshold(threshold, len(participants), schemes)
        for account_id in participants:
            require(account_id in self.nodes, E.UNKNOWN_NODE, f"{account_id} has not registered its keys")
            self._require_min_stake(account_id)
        self.participants.set(list(participants))
        self.threshold.set(threshold)
        self.epoch_started_at_block.set(env.block_height)
        self.domains.set([{"id": i, "scheme": s, "public_key": None} for i, s in enumerate(schemes)])
        self._transition(ProtocolState.INITIALIZING)
        self._start_keygen(0)

    @call
    def vote_pk(self, domain_id: int, public_key: str) -> None:
        """A participant confirms the root public key its DKG produced for `domain_id`.

        When every participant of the event voted the same key the domain gets it; the next domain
        without a key starts, or the state moves to Running.
        """
        require_state_allows(self._state(), "vote_pk")
        event = dict(self.key_event.get())
        voter = self._require_voter(event["participants"])
        require(domain_id == event["domain_id"],
                E.WRONG_DOMAIN, f"the key event is for domain {event['domain_id']}, not {domain_id}")
        domain = self.domains.get()[domain_id]
        check_hex_key(public_key, root_key_size(domain["scheme"])[0], "public_key")
        require(voter not in event["votes"], E.ALREADY_VOTED, "this participant already voted in this attempt")
        event["votes"] = {**event["votes"], voter: public_key}
        self.key_event.set(event)
        controller_event("vote_pk", {"domain_id": domain_id, "voter": voter, "public_key": public_key})
        if len(event["votes"]) < len(event["participants"]):
            return
        if len(set(event["votes"].values())) != 1:
            # Disagreeing keys mean a failed or attacked DKG: nothing is adopted; cancel and retry.
            controller_event("key_mismatch", {"domain_id": domain_id, "votes": event["votes"]})
            return
        domains = [dict(d) for d in self.domains.get()]
        domains[domain_id]["public_key"] = public_key
        self.domains.set(domains)
        controller_event("domain_key_generated", {"domain_id": domain_id, "public_key": public_key})
        pending = [d["id"] for d in domains if d["public_key"] is None]
        if pending:
            self._start_keygen(pending[0])
        else:
            self.key_event.set(None)
            self._transition(ProtocolState.RUNNING)

    @call
    def vote_reshared(self, epoch: int) -> None:
        """A member of the new set confirms it holds its reshared shares for every domain.

        When all of them have voted, the new set and threshold become the current epoch.
        """
        require_state_allows(self._state(), "vote_reshared")
        event = dict(self.key_event.get())
        voter = self._require_voter(event["participants"])
        require(epoch == event["epoch"], E.WRONG_EPOCH, f"the reshare is to epoch {event['epoch']}, not {epoch}")
        require(voter not in event["votes"], E.ALREADY_VOTED, "this participant already voted in this attempt")
        event["votes"] = {**event["votes"], voter: "done"}
        self.key_event.set(event)
        controller_event("vote_reshared", {"epoch": epoch, "voter": voter})
        if len(event["votes"]) == len(event["participants"]):
            self.epoch.set(epoch)
            self.epoch_started_at_block.set(env.block_height)
            self.participants.set(list(event["participants"]))
            self.threshold.set(event["threshold"])
            self.key_event.set(None)
            self._transition(ProtocolState.RUNNING)

    @call
    def cancel_stalled_key_event(self) -> dict[str, Any]:
        """A participant (current or incoming) restarts a key event that passed its timeout."""
        require_state_allows(self._state(), "cancel_stalled_key_event")
        event = dict(self.key_event.get())
        members = set(event["participants"]) | set(self.participants.get())
        self._require_voter(sorted(members))
        deadline = event["started_at_block"] + self.key_event_timeout_blocks.get()
        require(env.block_height >= deadline, E.NOT_STALLED, f"the key event may be cancelled from block {deadline}")
        event.update(attempt=event["attempt"] + 1, started_at_block=env.block_height, votes={})
        self.key_event.set(event)
        controller_event("key_event_restarted", event)
        return event

    @call
    def vote_cancel_resharing(self) -> None:
        """A supermajority of the current (old) set abandons a reshare; the old epoch keeps running."""
        require_state_allows(self._state(), "vote_cancel_resharing")
        voter = self._require_voter(self.participants.get())
        votes = self.votes.get()
        voters = list(votes["proposals"].get("cancel_resharing", []))
        require(voter not in voters, E.ALREADY_VOTED, "this participant already voted for this proposal")
        voters.append(voter)
        self.votes.set({"epoch": self.epoch.get(), "proposals": {**votes["proposals"], "cancel_resharing": voters}})
        if len(voters) >= supermajority(len(self.participants.get())):
            controller_event("resharing_cancelled", {"epoch": self.key_event.get()["epoch"]})
            self.key_event.set(None)
            self._transition(ProtocolState.RUNNING)

    @call
    def trigger_refresh(self) -> dict[str, Any]:
        """Anyone, once `refresh_interval_blocks` passed since the epoch began: reshare to the same set.

        Proactive refresh (ARCHITECTURE "Resharing ... refresh"): an attacker must compromise a
        threshold of shares within one epoch, and the nodes erase their presignatures on every
        reshare. NEAR's v1.signer never refreshes (near-mpc-security-review-notes); here no vote is
        needed, so a refresh cannot be skipped by inaction.
        """
        require_state_allows(self._state(), "trigger_refresh")
        interval = int(self.economics.get().get("refresh_interval_blocks", 0))
        require(interval > 0, E.REFRESH_DISABLED, "refresh_interval_blocks is 0")
        due = self.epoch_started_at_block.get() + interval
        require(env.block_height >= due, E.REFRESH_NOT_DUE, f"the next refresh is due at block {due}")
        self._start_reshare(list(self.participants.get()), self.threshold.get())
        return dict(self.key_event.get())
