"""A k-of-m multisig key-owner contract built on hot.sdk.policies.multisig (deployed as source)."""

from hot.sdk.contract import Value, call, contract, emit_event, env, init, view
from hot.sdk.policies.multisig import MultisigConfig, SignerKey


@contract
class MultisigWallet:
    config = Value(MultisigConfig)

    @init
    def new(self, threshold: int, signers: list[SignerKey]) -> None:
        self.config.set(MultisigConfig(threshold, tuple(signers)))

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        return self.config.get().allows_request(msg_hash, user_payload)

    @call
    def change_signers(self, threshold: int, signers: list[SignerKey], signatures: dict[str, bytes]) -> int:
        updated = self.config.get().changed_to(env.current_account_id, threshold, signers, signatures)
        self.config.set(updated)
        emit_event("hot-multisig", "1.0.0", "change_signers", {"version": updated.version, "threshold": threshold})
        return updated.version

    @view
    def get_config(self) -> MultisigConfig:
        return self.config.get()
