"""A vault: both factors sign at once, or the device alone after a timelock the owner can cancel.

Composition in words: any_of(all_of(device, second_factor), all_of(device, queued-and-ready)).
Deployed as source by tests/unit/sdk/policies/test_block_twofactor.py and test_block_timelock.py.
"""

from hot.sdk.contract import Map, Value, call, contract, env, init, require, view
from hot.sdk.policies.compose import Fact, all_of, any_of, msg_hash_bytes, policy_holds
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.timelock import QueuedRequest, Timelock, cancel_digest, ready
from hot.sdk.policies.twofactor import TwoFactor


@contract
class TwoFactorVault:
    factors = Value(TwoFactor)
    lock = Value(Timelock)
    queued = Map(str, QueuedRequest)  # base58 msg_hash -> when the device alone may sign it

    @init
    def new(self, device: SignerKey, second_factor: SignerKey, delay_s: int) -> None:
        self.factors.set(TwoFactor(device, second_factor))
        self.lock.set(Timelock(delay_s))

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        factors = self.factors.get()
        policy = any_of(
            factors.predicate(),
            all_of(
                factors.device(),
                Fact("queued and the delay has passed", lambda: ready(self.queued.get(msg_hash), env.block_timestamp)),
            ),
        )
        return policy_holds(policy, msg_hash, user_payload)

    @call
    def queue(self, msg_hash: str, device_signature: bytes) -> int:
        """The device asks to sign msg_hash alone; valid after the delay. Returns ready_at (ns)."""
        digest = msg_hash_bytes(msg_hash)
        require(digest is not None, "E_BAD_REQUEST: msg_hash is 32 bytes in base58")
        require(self.factors.get().device().check(digest, device_signature), "E_NOT_DEVICE: the device did not sign")
        require(msg_hash not in self.queued, "E_ALREADY_QUEUED: this msg_hash is queued")
        entry = self.lock.get().queue(env.block_timestamp)
        self.queued[msg_hash] = entry
        return entry.ready_at_ns

    @call
    def cancel(self, msg_hash: str, signature: bytes) -> None:
        """Either factor cancels a queued request (a stolen device is stopped by the second factor)."""
        entry = self.queued.get(msg_hash)
        require(entry is not None, "E_NOT_QUEUED: nothing queued for this msg_hash")
        factors = self.factors.get()
        digest = cancel_digest(env.current_account_id, msg_hash, entry)
        either = any_of(factors.device(), factors.second_factor())
        require(either.check(digest, {"device": signature, "second_factor": signature}), "E_CANCEL_DENIED: no factor signed")
        self.queued.remove(msg_hash)

    @call
    def change_factors(self, device: SignerKey, second_factor: SignerKey, signatures: dict[str, bytes]) -> int:
        updated = self.factors.get().changed_to(env.current_account_id, device, second_factor, signatures)
        self.factors.set(updated)
        return updated.version

    @view
    def get_queued(self, msg_hash: str) -> QueuedRequest | None:
        return self.queued.get(msg_hash)
