"""Approvals: the key owner approves message hashes; `hot_verify` allows exactly those.

Deploy this module's source as the contract code (docs/contract-guide.md).
"""

from hot.sdk.contract import (
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


@contract
class Approvals:
    owner = Value(str)
    approved = Set(str)  # base58 message hashes, as HOT's hot_verify receives them

    @init
    def new(self, owner: str) -> None:
        self.owner.set(owner)

    @call
    def approve(self, msg_hash: str) -> None:
        require(env.predecessor == self.owner.get(), "E_NOT_OWNER: only the owner approves")
        self.approved.add(msg_hash)
        emit_event("hot-approvals", "1.0.0", "approve", {"msg_hash": msg_hash})

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "",
                   user_payload: str = "", metadata: str = "") -> bool:
        return msg_hash in self.approved
