"""gTOKEN staking, slashing and epoch rewards (whitepaper §3.1, §3.2.4).

Nodes (and gatekeepers) lock gTOKEN as collateral. Unstaking waits `unstake_delay_blocks`, and a
stake that is unstaking can still be slashed: otherwise a node seeing a dispute coming could
withdraw before it executes. Only the Controller slashes and reports rewards; only the DAO sets
the reward per period and the delay.
"""

from __future__ import annotations

from typing import Any

from hot.sdk.contract import Map, Set, Value, call, emit_event, env, require, view
from hot.wire.errors import ContractCode as E

BPS = 10_000


def parse_amount(amount: str) -> int:
    """A NEP-141 U128 amount: a decimal string, positive, below 2^128."""
    require(isinstance(amount, str) and amount.isdigit() and 0 < int(amount) < 2**128,
            E.BAD_AMOUNT, "amount must be a positive U128 decimal string")
    return int(amount)


def require_one_yocto() -> None:
    # NEP-141: attaching exactly 1 yoctoNEAR forces a full-access key signature (no function-call keys).
    require(env.attached_deposit == 1, E.ONE_YOCTO, "attach exactly 1 yoctoNEAR")


class StakingMixin:
    """stake, unstake, withdraw_unstaked, slash (Controller), distribute_rewards (Controller)."""

    balances = Map(str, int)
    total_supply = Value(int, default=0)
    controller = Value(str)
    dao = Value(str)
    staked = Map(str, int)
    unstaking = Map(str, dict[str, int])
    unstake_delay_blocks = Value(int, default=100)
    reward_per_period = Value(int, default=0)
    rewarded_periods = Set(int)

    def _require_registered(self, account_id: str) -> int:
        require(account_id in self.balances, E.NOT_REGISTERED, f"{account_id} has no storage deposit")
        return self.balances[account_id]

    @call(payable=True)
    def stake(self, amount: str) -> str:
        """Lock `amount` of the caller's balance as stake; returns the new stake."""
        require_one_yocto()
        value, account_id = parse_amount(amount), env.predecessor
        balance = self._require_registered(account_id)
        require(balance >= value, E.INSUFFICIENT_BALANCE, f"balance {balance} < {value}")
        self.balances[account_id] = balance - value
        self.staked[account_id] = self.staked.get(account_id, 0) + value
        emit_event("hot-gtoken", "1.0.0", "stake", {"account_id": account_id, "amount": amount})
        return str(self.staked[account_id])

    @call(payable=True)
    def unstake(self, amount: str) -> dict[str, Any]:
        """Start unstaking `amount`; it can be withdrawn after the delay (and slashed until then)."""
        require_one_yocto()
        value, account_id = parse_amount(amount), env.predecessor
        stake = self.staked.get(account_id, 0)
        require(stake >= value, E.INSUFFICIENT_STAKE, f"stake {stake} < {value}")
        self.staked[account_id] = stake - value
        pending = self.unstaking.get(account_id, {"amount": 0, "release_block": 0})
        record = {"amount": pending["amount"] + value, "release_block": env.block_height + self.unstake_delay_blocks.get()}
        self.unstaking[account_id] = record
        emit_event("hot-gtoken", "1.0.0", "unstake", {"account_id": account_id, "amount": amount, **record})
        return {"amount": str(record["amount"]), "release_block": record["release_block"]}

    @call
    def withdraw_unstaked(self) -> str:
        """Move the caller's unstaked tokens back to its balance once the delay has passed."""
        account_id = env.predecessor
        pending = self.unstaking.get(account_id)
        require(pending is not None and pending["amount"] > 0, E.NOTHING_UNSTAKING, "nothing to withdraw")
        require(env.block_height >= pending["release_block"],
                E.UNSTAKE_DELAY, f"withdrawable from block {pending['release_block']}")
        self.unstaking.remove(account_id)
        self.balances[account_id] = self.balances.get(account_id, 0) + pending["amount"]
        return str(pending["amount"])

    @call
    def slash(self, account_id: str, slash_bps: int, beneficiary_id: str, beneficiary_share_bps: int) -> str:
        """Controller: take `slash_bps` of the stake (staked first, then unstaking); pay the
        beneficiary its share and burn the rest. Returns the slashed amount."""
        require(env.predecessor == self.controller.get(), E.NOT_CONTROLLER, "only the Controller slashes")
        require(0 < slash_bps <= BPS and 0 <= beneficiary_share_bps <= BPS, E.BAD_BPS, "basis points are 0..10000")
        staked, pending = self.staked.get(account_id, 0), self.unstaking.get(account_id)
        locked = staked + (pending["amount"] if pending else 0)
        slashed = locked * slash_bps // BPS
        require(slashed > 0, E.NOTHING_TO_SLASH, f"{account_id} has no stake")
        from_staked = min(staked, slashed)
        self.staked[account_id] = staked - from_staked
        if slashed > from_staked and pending:
            self.unstaking[account_id] = {**pending, "amount": pending["amount"] - (slashed - from_staked)}
        reward = slashed * beneficiary_share_bps // BPS
        self.balances[beneficiary_id] = self.balances.get(beneficiary_id, 0) + reward
        self.total_supply.set(self.total_supply.get() - (slashed - reward))
        emit_event("hot-gtoken", "1.0.0", "slash", {"account_id": account_id, "amount": str(slashed),
                                                    "beneficiary_id": beneficiary_id, "reward": str(reward)})
        emit_event("nep141", "1.0.0", "ft_burn", [{"owner_id": account_id, "amount": str(slashed - reward)}])
        return str(slashed)

    @call
    def distribute_rewards(self, period: int, weights: dict[str, str]) -> dict[str, str]:
        """Controller: mint this period's reward, split by the work weights of attested participants."""
        require(env.predecessor == self.controller.get(), E.NOT_CONTROLLER, "only the Controller reports rewards")
        require(period not in self.rewarded_periods, E.PERIOD_REWARDED, f"period {period} was already rewarded")
        units = {account: parse_amount(weight) for account, weight in weights.items()}
        total_units, pool = sum(units.values()), self.reward_per_period.get()
        require(total_units > 0, E.NO_WORK, "no weights")
        self.rewarded_periods.add(period)
        minted = {account: pool * u // total_units for account, u in sorted(units.items())}
        for account, amount in minted.items():
            self.balances[account] = self.balances.get(account, 0) + amount
        self.total_supply.set(self.total_supply.get() + sum(minted.values()))
        emit_event("nep141", "1.0.0", "ft_mint", [{"owner_id": a, "amount": str(v), "memo": f"period {period}"}
                                                  for a, v in minted.items() if v])
        return {account: str(amount) for account, amount in minted.items()}

    @call
    def set_reward_per_period(self, amount: str) -> None:
        """DAO: the gTOKEN minted per reward period (a chain epoch)."""
        require(env.predecessor == self.dao.get(), E.NOT_DAO, "only the DAO sets rewards")
        require(amount.isdigit(), E.BAD_AMOUNT, "a U128 decimal string")
        self.reward_per_period.set(int(amount))

    @call
    def set_unstake_delay(self, blocks: int) -> None:
        """DAO: the unstaking delay in blocks (it must outlast a dispute's veto window)."""
        require(env.predecessor == self.dao.get(), E.NOT_DAO, "only the DAO sets the delay")
        require(blocks >= 0, E.BAD_ARGS, "blocks must be non-negative")
        self.unstake_delay_blocks.set(blocks)

    @view
    def staked_of(self, account_id: str) -> str:
        return str(self.staked.get(account_id, 0))

    @view
    def get_stake(self, account_id: str) -> dict[str, Any]:
        pending = self.unstaking.get(account_id)
        return {"staked": str(self.staked.get(account_id, 0)),
                "unstaking": str(pending["amount"]) if pending else "0",
                "release_block": pending["release_block"] if pending else None}
