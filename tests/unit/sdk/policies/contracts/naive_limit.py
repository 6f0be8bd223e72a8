"""The anti-pattern: a hot_verify that tries to count spending itself (it cannot: views are read-only)."""

from hot.sdk.contract import Value, contract, init, view


@contract
class NaiveLimit:
    approvals_seen = Value(int)

    @init
    def new(self) -> None:
        self.approvals_seen.set(0)

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        self.approvals_seen.set(self.approvals_seen.get() + 1)  # E_PROHIBITED_IN_VIEW
        return True
