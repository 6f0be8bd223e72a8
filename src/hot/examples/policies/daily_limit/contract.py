"""A daily limit with an allowlist: the owner's spends are capped per day and go only to listed places.

Approve-then-sign (docs/policy-guide.md): `hot_verify` is read-only and cannot add to the day's
total, so the owner first calls `approve` with the transaction's pre-image. `approve` checks the
owner's signature over msg_hash, decodes the pre-image (its hash must equal msg_hash), checks
every destination and call against the allowlist, charges the *decoded* amounts to today's
total and records the approval. `hot_verify` then allows exactly the recorded msg_hashes, signed
by the owner. No amount is ever taken from the client.

Deploy this module's source as the contract code (docs/contract-guide.md).
"""

from hot.sdk.contract import (
    Map,
    Value,
    call,
    contract,
    emit_event,
    env,
    init,
    require,
    view,
)
from hot.sdk.policies.allowlist import AllowedCall, Allowlist, Destination
from hot.sdk.policies.compose import (
    Fact,
    all_of,
    decode_or_refuse,
    msg_hash_bytes,
    policy_holds,
)
from hot.sdk.policies.limits import (
    SpendApproval,
    SpendingLimit,
    SpendingLimits,
    SpentInPeriod,
    limit_key,
    spends_by_asset,
)
from hot.sdk.policies.multisig import SignerKey
from hot.sdk.policies.rotation import ControllingKey
from hot.wire.errors import ContractCode as E


@contract
class DailyLimitWallet:
    owner = Value(ControllingKey)
    limits = Value(SpendingLimits)
    allowlist = Value(Allowlist)
    spent = Map(str, SpentInPeriod)  # limit_key -> the current period's total
    approved = Map(str, SpendApproval)  # base58 msg_hash -> the spend it was charged for

    @init
    def new(
        self, owner: SignerKey, limits: list[SpendingLimit], destinations: list[Destination],
        calls: list[AllowedCall],
    ) -> None:
        self.owner.set(ControllingKey(owner))
        self.limits.set(SpendingLimits(tuple(limits)))
        self.allowlist.set(Allowlist(tuple(destinations), tuple(calls)))

    @call
    def approve(
        self, chain: str, preimage: bytes, msg_hash: str, owner_signature: bytes,
        input_index: int | None = None, network: str | None = None,
    ) -> SpendApproval:
        """Record that the owner wants this transaction signed, charging its decoded spend."""
        digest = msg_hash_bytes(msg_hash)
        require(digest is not None, E.BAD_REQUEST, "msg_hash is 32 bytes in base58")
        require(msg_hash not in self.approved, E.ALREADY_APPROVED, "this msg_hash is already approved")
        require(self.owner.get().predicate().check(digest, owner_signature), E.NOT_OWNER, "the owner did not sign")
        context = {"input_index": input_index, "network": network or "main"} if chain == "bitcoin" else {}
        request = decode_or_refuse(chain, preimage, digest, **context)
        self.allowlist.get().require_allowed(request)
        now = env.block_timestamp
        for key, total in self.limits.get().charges(request, self.spent, now).items():
            self.spent[key] = total
        approval = SpendApproval(request.chain, request.network, spends_by_asset(request), now)
        self.approved[msg_hash] = approval
        emit_event("hot-daily-limit", "1.0.0", "approve", {"msg_hash": msg_hash, "spent": approval.spent})
        return approval

    @view
    def hot_verify(
        self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "", metadata: str = ""
    ) -> bool:
        policy = all_of(
            self.owner.get().predicate(),
            Fact("the spend was approved within the daily limit", lambda: msg_hash in self.approved),
        )
        return policy_holds(policy, msg_hash, user_payload)

    @view
    def remaining(self, chain: str, network: str | None, asset: str) -> int:
        """What can still be approved today for (chain, network, asset); 0 without a limit."""
        key = limit_key(chain, network, asset)
        limit = self.limits.get().for_key(key)
        return 0 if limit is None else limit.remaining(self.spent.get(key), env.block_timestamp)
