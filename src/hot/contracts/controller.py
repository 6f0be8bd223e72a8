"""The MPC Controller: participants, threshold, domains, epochs and their state machine (whitepaper §2.2.4).

Deployed alone (this module's source is the contract code); the rules and call groups live in
hot.contracts.controller_* modules that it imports:

    controller_rules        states, allowed transitions, threshold limits, supermajority (pure)
    controller_storage      fields and shared checks
    controller_keys         begin_keygen, vote_pk, vote_reshared, cancel/retry of stalled key events
    controller_votes        participant / threshold / domain / gatekeeper proposals
    controller_nodes        node registration, attestation pinning, gatekeeper registry
    controller_disputes     fishermen's disputes, slashing through gTOKEN, epoch rewards

The views below are what an MPC node and a gatekeeper read; docs/contracts.md gives their exact
JSON. The Controller has no owner key (§4.2.3): the DAO account and the participants' votes are
the only authorities, and the state machine admits only the transitions in `TRANSITIONS`.
"""

from __future__ import annotations

from typing import Any

from hot.contracts.controller_disputes import DisputesMixin
from hot.contracts.controller_nodes import NodesMixin
from hot.contracts.controller_rules import (
    STATE_CALLS,
    TRANSITIONS,
    check_hex_key,
)
from hot.contracts.controller_votes import VotesMixin
from hot.sdk.contract import call, contract, init, require, view
from hot.wire.errors import ContractCode as E

DEFAULT_ECONOMICS: dict[str, Any] = {
    "dispute_fee": "0", "fisherman_share_bps": 1000, "slash_bps": 1000, "veto_window_blocks": 0, "min_node_stake": "0",
    "refresh_interval_blocks": 86_400,  # a day of 1 s blocks: proactive refresh by default
}
ECONOMIC_LIMITS_BPS = ("fisherman_share_bps", "slash_bps")


@contract
class Controller(VotesMixin, NodesMixin, DisputesMixin):
    """One contract per network; see the module docstring for where each group of calls lives."""

    @init
    def new(self, dao: str, gtoken: str = "", vendor_public_keys: list[str] | None = None,
            key_event_timeout_blocks: int = 100, require_attestation: bool = True,
            economics: dict[str, Any] | None = None) -> None:
        """Set the DAO (the only admin), the gTOKEN contract, trusted quote vendors and timeouts."""
        require(key_event_timeout_blocks > 0, E.BAD_ARGS, "key_event_timeout_blocks must be positive")
        for key in vendor_public_keys or []:
            check_hex_key(key, 32, "vendor_public_key")
        self.dao.set(dao)
        self.gtoken.set(gtoken)
        self.vendor_keys.set(list(vendor_public_keys or []))
        self.key_event_timeout_blocks.set(key_event_timeout_blocks)
        self.require_attestation.set(require_attestation)
        self.economics.set(_checked_economics({**DEFAULT_ECONOMICS, **(economics or {})}))

    @call
    def set_economics(self, economics: dict[str, Any]) -> None:
        """DAO: change dispute fee, fisherman share, slash share, veto window or minimum node stake."""
        self._require_dao()
        self.economics.set(_checked_economics({**self.economics.get(), **economics}))

    # -- node-facing views ---------------------------------------------------------------------
    @view
    def get_state(self) -> dict[str, Any]:
        """Everything a node needs in one read: state, epoch, threshold, participants, domains, key event."""
        return {"state": self.state.get(), "epoch": self.epoch.get(), "threshold": self.threshold.get(),
                "epoch_started_at_block": self.epoch_started_at_block.get(),
                "participants": [self._node_view(a, with_stake=False) for a in self.participants.get()],
                "domains": self.domains.get(), "key_event": self.key_event.get()}

    @view
    def get_participants(self) -> list[dict[str, Any]]:
        """Current participants with URL, keys, stake (gTOKEN, string) and attestation status."""
        return [self._node_view(a) for a in self.participants.get()]

    @view
    def get_node(self, account_id: str) -> dict[str, Any] | None:
        return self._node_view(account_id) if account_id in self.nodes else None

    @view
    def get_domains(self) -> list[dict[str, Any]]:
        return self.domains.get()

    @view
    def get_key_event(self) -> dict[str, Any] | None:
        return self.key_event.get()

    @view
    def get_votes(self) -> dict[str, list[str]]:
        """Open proposals of the current epoch and who voted for each."""
        return self._open_votes()

    @view
    def flagged_participants(self) -> list[dict[str, str]]:
        """Participants to vote out: attestation missing, expired, or its measurement revoked (§4.2.1)."""
        status = {a: self._attestation_status(a) for a in self.participants.get()}
        return [{"account_id": a, "attestation": s} for a, s in status.items() if s != "valid"]

    @view
    def get_state_machine(self) -> dict[str, Any]:
        """The allowed transitions and the calls each state accepts (what the tests walk)."""
        return {"transitions": [[a.value, b.value, why] for (a, b), why in TRANSITIONS.items()],
                "calls": {s.value: sorted(c) for s, c in STATE_CALLS.items()}}

    # -- gatekeeper / governance views ---------------------------------------------------------
    @view
    def get_gatekeepers(self) -> list[dict[str, Any]]:
        return list(self.gatekeepers.values())

    @view
    def get_gatekeeper(self, gatekeeper_id: str) -> dict[str, Any] | None:
        return self.gatekeepers.get(gatekeeper_id)

    @view
    def get_measurements(self) -> dict[str, dict[str, Any]]:
        return dict(self.measurements.items())

    @view
    def get_attestation(self, account_id: str) -> dict[str, Any] | None:
        record = self.attestations.get(account_id)
        return {**record, "status": self._attestation_status(account_id)} if record else None

    @view
    def get_dispute(self, dispute_id: int) -> dict[str, Any] | None:
        return self.disputes.get(dispute_id)

    @view
    def get_config(self) -> dict[str, Any]:
        return {"dao": self.dao.get(), "gtoken": self.gtoken.get(), "vendor_public_keys": self.vendor_keys.get(),
                "key_event_timeout_blocks": self.key_event_timeout_blocks.get(),
                "require_attestation": self.require_attestation.get(), "economics": self.economics.get()}

    @view
    def get_work(self) -> dict[str, Any]:
        return self.work.get()


def _checked_economics(economics: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown keys and out-of-range values (basis points are 0..10000)."""
    require(set(economics) <= set(DEFAULT_ECONOMICS), E.BAD_ECONOMICS, f"keys are {sorted(DEFAULT_ECONOMICS)}")
    for key in ECONOMIC_LIMITS_BPS:
        require(isinstance(economics[key], int) and 0 <= economics[key] <= 10_000,
                E.BAD_ECONOMICS, f"{key} must be 0..10000")
    for key in ("dispute_fee", "min_node_stake"):
        require(isinstance(economics[key], str) and economics[key].isdigit(), E.BAD_ECONOMICS, f"{key} is a U128 string")
    for key in ("veto_window_blocks", "refresh_interval_blocks"):
        require(isinstance(economics[key], int) and not isinstance(economics[key], bool) and economics[key] >= 0,
                E.BAD_ECONOMICS, f"{key} must be a non-negative integer")
    return economics
