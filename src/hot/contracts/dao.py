"""The DAO: members, proposals with quorum, a veto window, execution by calls to the other contracts.

Whitepaper §3.2.1: members approve new members, network parameter changes and gatekeepers,
process reports against nodes and gatekeepers (slashing decisions), set economic parameters, and
must veto any decision that endangers the network. A proposal is a typed action (`KIND_ACTIONS`),
never an arbitrary call, so the DAO can only do what the protocol lets it do. Lifecycle:

    voting --quorum of yes--> approved --veto window passes--> (execute) executed | failed
    voting --quorum impossible--> rejected;  approved --any member vetoes in the window--> vetoed
"""

from __future__ import annotations

from typing import Any

from hot.sdk.contract import (
    Map,
    Set,
    Value,
    call,
    contract,
    emit_event,
    env,
    init,
    require,
    view,
)
from hot.wire.errors import ContractCode as E

BPS = 10_000
# kind -> (target contract role, method). "self" kinds change the DAO itself.
KIND_ACTIONS: dict[str, tuple[str, str]] = {
    "add_member": ("self", "add_member"),
    "remove_member": ("self", "remove_member"),
    "begin_keygen": ("controller", "begin_keygen"),
    "approve_measurement": ("controller", "approve_measurement"),
    "revoke_measurement": ("controller", "revoke_measurement"),
    "set_vendor_keys": ("controller", "set_vendor_keys"),
    "approve_gatekeeper": ("controller", "approve_gatekeeper"),
    "remove_gatekeeper": ("controller", "remove_gatekeeper"),
    "blacklist_gatekeeper": ("controller", "blacklist_gatekeeper"),
    "set_economics": ("controller", "set_economics"),
    "resolve_dispute": ("controller", "resolve_dispute"),
    "veto_dispute": ("controller", "veto_dispute"),
    "set_reward_per_period": ("gtoken", "set_reward_per_period"),
    "set_unstake_delay": ("gtoken", "set_unstake_delay"),
}
EXECUTION_GAS = 100 * 10**12


def dao_event(event: str, data: Any) -> None:
    emit_event("hot-dao", "1.0.0", event, data)


@contract
class Dao:
    members = Set(str)
    quorum_bps = Value(int)
    voting_period_blocks = Value(int)
    veto_window_blocks = Value(int)
    targets = Value(dict[str, str])
    proposals = Map(int, dict[str, Any])
    proposal_count = Value(int, default=0)

    @init
    def new(self, members: list[str], controller: str, gtoken: str, quorum_bps: int = 6000,
            voting_period_blocks: int = 100, veto_window_blocks: int = 10) -> None:
        require(members and len(set(members)) == len(members), E.BAD_ARGS, "members must be distinct and non-empty")
        require(0 < quorum_bps <= BPS, E.BAD_ARGS, "quorum_bps is 1..10000")
        require(voting_period_blocks > 0 and veto_window_blocks >= 0, E.BAD_ARGS, "bad periods")
        for member in members:
            self.members.add(member)
        self.quorum_bps.set(quorum_bps)
        self.voting_period_blocks.set(voting_period_blocks)
        self.veto_window_blocks.set(veto_window_blocks)
        self.targets.set({"controller": controller, "gtoken": gtoken})

    def _require_member(self) -> str:
        require(env.predecessor in self.members, E.NOT_MEMBER, f"{env.predecessor} is not a DAO member")
        return env.predecessor

    def _proposal(self, proposal_id: int, status: str) -> dict[str, Any]:
        proposal = self.proposals.get(proposal_id)
        require(proposal is not None, E.UNKNOWN_PROPOSAL, f"no proposal {proposal_id}")
        require(proposal["status"] == status, E.BAD_TRANSITION, f"proposal {proposal_id} is {proposal['status']}")
        return dict(proposal)

    @call
    def propose(self, kind: str, args: dict[str, Any], description: str = "") -> int:
        """A member proposes one typed action; returns its id."""
        proposer = self._require_member()
        require(kind in KIND_ACTIONS, E.BAD_KIND, f"kind must be one of {sorted(KIND_ACTIONS)}")
        if kind in ("add_member", "remove_member"):
            require(set(args) == {"account_id"} and isinstance(args["account_id"], str),
                    E.BAD_ARGS, "member proposals take {account_id}")
        proposal_id = self.proposal_count.get()
        self.proposal_count.set(proposal_id + 1)
        self.proposals[proposal_id] = {
            "id": proposal_id, "proposer": proposer, "kind": kind, "args": args, "description": description,
            "status": "voting", "approve": [], "reject": [], "created_at_block": env.block_height,
            "executable_at_block": None, "result": None}
        dao_event("proposal_created", {"id": proposal_id, "kind": kind, "proposer": proposer})
        return proposal_id

    @call
    def vote(self, proposal_id: int, approve: bool) -> str:
        """A member votes once; the proposal is approved at quorum or rejected when quorum is out of reach."""
        member = self._require_member()
        proposal = self._proposal(proposal_id, "voting")
        require(env.block_height < proposal["created_at_block"] + self.voting_period_blocks.get(),
                E.VOTING_CLOSED, "the voting period is over")
        require(member not in proposal["approve"] + proposal["reject"], E.ALREADY_VOTED, "one vote per member")
        side = "approve" if approve else "reject"
        proposal[side] = proposal[side] + [member]
        n, quorum = len(self.members), self.quorum_bps.get()
        if len(proposal["approve"]) * BPS >= quorum * n:
            proposal["status"] = "approved"
            proposal["executable_at_block"] = env.block_height + self.veto_window_blocks.get()
        elif (n - len(proposal["reject"])) * BPS < quorum * n:
            proposal["status"] = "rejected"
        self.proposals[proposal_id] = proposal
        dao_event("vote", {"id": proposal_id, "member": member, "approve": approve, "status": proposal["status"]})
        return proposal["status"]

    @call
    def veto(self, proposal_id: int) -> None:
        """Any member vetoes an approved proposal before its veto window closes (§3.2.1)."""
        member = self._require_member()
        proposal = self._proposal(proposal_id, "approved")
        require(env.block_height < proposal["executable_at_block"], E.VETO_WINDOW_CLOSED, "the proposal is executable")
        self.proposals[proposal_id] = {**proposal, "status": "vetoed", "result": {"vetoed_by": member}}
        dao_event("vetoed", {"id": proposal_id, "member": member})

    @call
    def execute(self, proposal_id: int) -> None:
        """Anyone, after the veto window: perform the action (a call to the Controller or gTOKEN)."""
        proposal = self._proposal(proposal_id, "approved")
        require(env.block_height >= proposal["executable_at_block"],
                E.VETO_WINDOW_OPEN, f"executable from block {proposal['executable_at_block']}")
        target, method = KIND_ACTIONS[proposal["kind"]]
        if target == "self":
            account_id = proposal["args"]["account_id"]
            if method == "add_member":
                self.members.add(account_id)
            else:
                require(account_id in self.members and len(self.members) > 1, E.BAD_ARGS, "cannot remove that member")
                self.members.discard(account_id)
            self.proposals[proposal_id] = {**proposal, "status": "executed", "result": True}
        else:
            self.proposals[proposal_id] = {**proposal, "status": "executing"}
            env.promise(self.targets.get()[target], method, proposal["args"], gas=EXECUTION_GAS).then(
                "on_executed", {"proposal_id": proposal_id})
        dao_event("executed", {"id": proposal_id, "kind": proposal["kind"]})

    @call(private=True)
    def on_executed(self, proposal_id: int) -> None:
        """Callback: record whether the target accepted the action (a refused action is `failed`)."""
        ok, value = env.promise_results[0]
        self.proposals[proposal_id] = {**self.proposals[proposal_id], "status": "executed" if ok else "failed",
                                       "result": value}

    @view
    def get_proposal(self, proposal_id: int) -> dict[str, Any] | None:
        return self.proposals.get(proposal_id)

    @view
    def get_members(self) -> list[str]:
        return sorted(self.members)

    @view
    def get_policy(self) -> dict[str, Any]:
        return {"quorum_bps": self.quorum_bps.get(), "voting_period_blocks": self.voting_period_blocks.get(),
                "veto_window_blocks": self.veto_window_blocks.get(), "targets": self.targets.get(),
                "kinds": sorted(KIND_ACTIONS)}
