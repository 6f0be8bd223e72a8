"""gTOKEN: NEP-141 transfers and refunds, NEP-145 storage, staking with a delay, slashing, rewards."""

from __future__ import annotations

from hot.sdk.testing import reverts

from tests.support.protocol_contracts import STORAGE, TOKEN, fund


def test_metadata_supply_and_balances(hot_chain, gtoken):  # type: ignore[no-untyped-def]
    assert gtoken.view("ft_metadata")["symbol"] == "gTOKEN"
    assert gtoken.view("ft_total_supply") == str(10**6 * TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": "treasury.test.near"}) == str(10**6 * TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": "nobody.test.near"}) == "0"


def test_transfer_needs_registration_and_one_yocto(hot_chain, gtoken):  # type: ignore[no-untyped-def]
    alice = hot_chain.create_account("alice")
    with reverts("E_NOT_REGISTERED"):
        hot_chain.root.call(gtoken, "ft_transfer", {"receiver_id": alice.account_id, "amount": "1"}, deposit=1)
    with reverts("E_STORAGE_DEPOSIT"):
        alice.call(gtoken, "storage_deposit", {}, deposit=STORAGE - 1)
    fund(hot_chain, gtoken, alice, 5 * TOKEN)
    assert gtoken.view("storage_balance_of", {"account_id": alice.account_id}) == {"total": str(STORAGE), "available": "0"}
    bob = hot_chain.create_account("bob")
    bob.call(gtoken, "storage_deposit", {}, deposit=STORAGE)
    with reverts("E_ONE_YOCTO"):
        alice.call(gtoken, "ft_transfer", {"receiver_id": bob.account_id, "amount": "1"})
    with reverts("E_INSUFFICIENT_BALANCE"):
        alice.call(gtoken, "ft_transfer", {"receiver_id": bob.account_id, "amount": str(6 * TOKEN)}, deposit=1)
    with reverts("E_BAD_AMOUNT"):
        alice.call(gtoken, "ft_transfer", {"receiver_id": bob.account_id, "amount": "-1"}, deposit=1)
    result = alice.call(gtoken, "ft_transfer", {"receiver_id": bob.account_id, "amount": str(TOKEN)}, deposit=1)
    assert result.events[0]["event"] == "ft_transfer"
    assert gtoken.view("ft_balance_of", {"account_id": bob.account_id}) == str(TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": alice.account_id}) == str(4 * TOKEN)


def test_transfer_call_to_a_failing_receiver_is_refunded(hot_chain, gtoken):  # type: ignore[no-untyped-def]
    alice, plain = hot_chain.create_account("alice"), hot_chain.create_account("plain")
    fund(hot_chain, gtoken, alice, 5 * TOKEN)
    plain.call(gtoken, "storage_deposit", {}, deposit=STORAGE)
    alice.call(gtoken, "ft_transfer_call", {"receiver_id": plain.account_id, "amount": str(TOKEN), "msg": ""}, deposit=1)
    assert gtoken.view("ft_balance_of", {"account_id": alice.account_id}) == str(5 * TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": plain.account_id}) == "0"


def test_stake_unstake_delay_and_withdraw(hot_chain, gtoken):  # type: ignore[no-untyped-def]
    node = hot_chain.create_account("node")
    fund(hot_chain, gtoken, node, 100 * TOKEN)
    with reverts("E_INSUFFICIENT_BALANCE"):
        node.call(gtoken, "stake", {"amount": str(101 * TOKEN)}, deposit=1)
    assert node.call(gtoken, "stake", {"amount": str(100 * TOKEN)}, deposit=1).value == str(100 * TOKEN)
    assert gtoken.view("staked_of", {"account_id": node.account_id}) == str(100 * TOKEN)
    with reverts("E_INSUFFICIENT_STAKE"):
        node.call(gtoken, "unstake", {"amount": str(101 * TOKEN)}, deposit=1)
    node.call(gtoken, "unstake", {"amount": str(40 * TOKEN)}, deposit=1)
    with reverts("E_UNSTAKE_DELAY"):
        node.call(gtoken, "withdraw_unstaked")
    hot_chain.advance_blocks(10)
    assert node.call(gtoken, "withdraw_unstaked").value == str(40 * TOKEN)
    assert gtoken.view("ft_balance_of", {"account_id": node.account_id}) == str(40 * TOKEN)
    with reverts("E_NOTHING_UNSTAKING"):
        node.call(gtoken, "withdraw_unstaked")


def test_only_the_controller_slashes_and_unstaking_stake_is_slashable(hot_chain, gtoken):  # type: ignore[no-untyped-def]
    node, fisher = hot_chain.create_account("node"), hot_chain.create_account("fisher")
    controller = hot_chain.create_account("controller")  # a plain account at the Controller's id
    fund(hot_chain, gtoken, node, 100 * TOKEN)
    fisher.call(gtoken, "storage_deposit", {}, deposit=STORAGE)
    node.call(gtoken, "stake", {"amount": str(100 * TOKEN)}, deposit=1)
    node.call(gtoken, "unstake", {"amount": str(90 * TOKEN)}, deposit=1)
    args = {"account_id": node.account_id, "slash_bps": 5000, "beneficiary_id": fisher.account_id,
            "beneficiary_share_bps": 1000}
    with reverts("E_NOT_CONTROLLER"):
        node.call(gtoken, "slash", args)
    supply = int(gtoken.view("ft_total_supply"))
    assert controller.call(gtoken, "slash", args).value == str(50 * TOKEN)
    assert gtoken.view("get_stake", {"account_id": node.account_id}) == {
        "staked": "0", "unstaking": str(50 * TOKEN), "release_block": gtoken.view(
            "get_stake", {"account_id": node.account_id})["release_block"]}
    assert gtoken.view("ft_balance_of", {"account_id": fisher.account_id}) == str(5 * TOKEN)
    assert int(gtoken.view("ft_total_supply")) == supply - 45 * TOKEN
    with reverts("E_NOTHING_TO_SLASH"):
        controller.call(gtoken, "slash", {**args, "account_id": fisher.account_id})


def test_rewards_split_by_work_once_per_period(hot_chain, gtoken, dao):  # type: ignore[no-untyped-def]
    controller = hot_chain.create_account("controller")
    with reverts("E_NOT_DAO"):
        controller.call(gtoken, "set_reward_per_period", {"amount": str(300 * TOKEN)})
    dao.call(gtoken, "set_reward_per_period", {"amount": str(300 * TOKEN)})
    weights = {"a.test.near": "1", "b.test.near": "2"}
    with reverts("E_NOT_CONTROLLER"):
        dao.call(gtoken, "distribute_rewards", {"period": 1, "weights": weights})
    minted = controller.call(gtoken, "distribute_rewards", {"period": 1, "weights": weights}).value
    assert minted == {"a.test.near": str(100 * TOKEN), "b.test.near": str(200 * TOKEN)}
    assert gtoken.view("ft_balance_of", {"account_id": "b.test.near"}) == str(200 * TOKEN)
    with reverts("E_PERIOD_REWARDED"):
        controller.call(gtoken, "distribute_rewards", {"period": 1, "weights": weights})
