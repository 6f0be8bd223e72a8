"""A 2-of-3 multisig key owner: any two of three registered keys authorize a signature.

The same 2-of-3 replaces the key set (add, remove, change the threshold) by signing the change
digest (hot.sdk.policies.multisig). Unlike a Bitcoin P2WSH multisig, nothing about the policy is
on the signed chain: the network's signature is a plain single-key signature, and the policy can
change without moving funds. `user_payload` = `{"signatures": {"<label>": "<hex>"}}`.

Deploy this module's source as the contract code (docs/contract-guide.md).
"""

from hot.sdk.contract import Value, call, contract, emit_event, env, init, require, view
from hot.sdk.policies.multisig import MultisigConfig, SignerKey
from hot.wire.errors import ContractCode as E

THRESHOLD = 2
SIGNERS = 3


@contract
class TwoOfThreeWallet:
    config = Value(MultisigConfig)

    @init
    def new(self, signers: list[SignerKey]) -> None:
        require(len(signers) == SIGNERS, E.BAD_MULTISIG, "this wallet starts as 2 of 3 keys")
        self.config.set(MultisigConfig(THRESHOLD, tuple(signers)))

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        return self.config.get().allows_request(msg_hash, user_payload)

    @call
    def change_signers(self, threshold: int, signers: list[SignerKey], signatures: dict[str, bytes]) -> int:
        """Replace the key set; needs the current threshold of current keys over the change digest."""
        updated = self.config.get().changed_to(env.current_account_id, threshold, signers, signatures)
        self.config.set(updated)
        emit_event("hot-multisig", "1.0.0", "change_signers", {"version": updated.version, "threshold": threshold})
        return updated.version

    @view
    def get_config(self) -> MultisigConfig:
        return self.config.get()
