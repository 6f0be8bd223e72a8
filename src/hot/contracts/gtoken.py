"""gTOKEN: the protocol's NEP-141 fungible token, with NEP-145 storage and node staking (whitepaper §3.1).

NEP-141 (Kuzyakov and Zaremba 2022, whitepaper ref [7]): `ft_transfer`, `ft_transfer_call` with the
receiver's `ft_on_transfer` and the refund in `ft_resolve_transfer`, `ft_total_supply`,
`ft_balance_of`, `ft_metadata`; amounts are U128 decimal strings; transfers need exactly 1
yoctoNEAR attached. Staking, slashing and rewards are in hot.contracts.gtoken_staking.
"""

from __future__ import annotations

from typing import Any

from hot.contracts.gtoken_staking import StakingMixin, parse_amount, require_one_yocto
from hot.sdk.contract import Value, call, contract, emit_event, env, init, require, view
from hot.wire.errors import ContractCode as E

STORAGE_DEPOSIT = 1_250_000_000_000_000_000_000  # 0.00125 NEAR: one account entry, as NEAR's FT reference
FT_ON_TRANSFER_GAS = 50 * 10**12
RESOLVE_GAS = 10 * 10**12


@contract
class GToken(StakingMixin):
    metadata = Value(dict[str, Any])

    @init
    def new(self, owner_id: str, total_supply: str, controller_id: str, dao_id: str,
            unstake_delay_blocks: int = 100, metadata: dict[str, Any] | None = None) -> None:
        """Mint the initial supply to `owner_id`; the Controller slashes, the DAO sets parameters."""
        supply = int(total_supply) if total_supply.isdigit() else -1
        require(0 <= supply < 2**128, E.BAD_AMOUNT, "total_supply is a U128 decimal string")
        self.balances[owner_id] = supply
        self.total_supply.set(supply)
        self.controller.set(controller_id)
        self.dao.set(dao_id)
        self.unstake_delay_blocks.set(unstake_delay_blocks)
        self.metadata.set(metadata or {"spec": "ft-1.0.0", "name": "HOT governance token", "symbol": "gTOKEN",
                                       "icon": None, "reference": None, "reference_hash": None, "decimals": 18})
        emit_event("nep141", "1.0.0", "ft_mint", [{"owner_id": owner_id, "amount": total_supply}])

    # -- NEP-145 storage -----------------------------------------------------------------------
    @call(payable=True)
    def storage_deposit(self, account_id: str | None = None, registration_only: bool | None = None) -> dict[str, str]:
        """Register `account_id` (default: the caller); the excess (or all, if registered) is refunded."""
        account_id = account_id or env.predecessor
        deposit = env.attached_deposit
        refund = deposit
        if account_id not in self.balances:
            require(deposit >= STORAGE_DEPOSIT, E.STORAGE_DEPOSIT, f"attach at least {STORAGE_DEPOSIT} yoctoNEAR")
            self.balances[account_id] = 0
            refund = deposit - STORAGE_DEPOSIT
        if refund:
            env.transfer(env.predecessor, refund)
        return {"total": str(STORAGE_DEPOSIT), "available": "0"}

    @view
    def storage_balance_of(self, account_id: str) -> dict[str, str] | None:
        return {"total": str(STORAGE_DEPOSIT), "available": "0"} if account_id in self.balances else None

    @view
    def storage_balance_bounds(self) -> dict[str, str]:
        return {"min": str(STORAGE_DEPOSIT), "max": str(STORAGE_DEPOSIT)}

    # -- NEP-141 -------------------------------------------------------------------------------
    def _move(self, sender_id: str, receiver_id: str, amount: int, memo: str | None) -> None:
        require(sender_id != receiver_id, E.SELF_TRANSFER, "sender and receiver must differ")
        balance = self._require_registered(sender_id)
        self._require_registered(receiver_id)
        require(balance >= amount, E.INSUFFICIENT_BALANCE, f"balance {balance} < {amount}")
        self.balances[sender_id] = balance - amount
        self.balances[receiver_id] = self.balances[receiver_id] + amount
        event: dict[str, Any] = {"old_owner_id": sender_id, "new_owner_id": receiver_id, "amount": str(amount)}
        if memo:
            event["memo"] = memo
        emit_event("nep141", "1.0.0", "ft_transfer", [event])

    @call(payable=True)
    def ft_transfer(self, receiver_id: str, amount: str, memo: str | None = None) -> None:
        require_one_yocto()
        self._move(env.predecessor, receiver_id, parse_amount(amount), memo)

    @call(payable=True)
    def ft_transfer_call(self, receiver_id: str, amount: str, msg: str, memo: str | None = None) -> None:
        """Transfer, then call `receiver.ft_on_transfer`; what it returns as unused is refunded."""
        require_one_yocto()
        value = parse_amount(amount)
        self._move(env.predecessor, receiver_id, value, memo)
        env.promise(receiver_id, "ft_on_transfer", {"sender_id": env.predecessor, "amount": amount, "msg": msg},
                    gas=FT_ON_TRANSFER_GAS).then(
            "ft_resolve_transfer", {"sender_id": env.predecessor, "receiver_id": receiver_id, "amount": amount},
            gas=RESOLVE_GAS)

    @call(private=True)
    def ft_resolve_transfer(self, sender_id: str, receiver_id: str, amount: str) -> str:
        """Refund the unused part (all of it if the receiver failed); return the amount used."""
        value = int(amount)
        ok, result = env.promise_results[0]
        unused = value
        if ok and isinstance(result, str) and result.isdigit():
            unused = min(value, int(result))
        refund = min(unused, self.balances.get(receiver_id, 0))
        if refund:
            self.balances[receiver_id] = self.balances[receiver_id] - refund
            self.balances[sender_id] = self.balances.get(sender_id, 0) + refund
            emit_event("nep141", "1.0.0", "ft_transfer", [{"old_owner_id": receiver_id, "new_owner_id": sender_id,
                                                           "amount": str(refund), "memo": "refund"}])
        return str(value - refund)

    @view
    def ft_total_supply(self) -> str:
        return str(self.total_supply.get())

    @view
    def ft_balance_of(self, account_id: str) -> str:
        return str(self.balances.get(account_id, 0))

    @view
    def ft_metadata(self) -> dict[str, Any]:
        return self.metadata.get()
