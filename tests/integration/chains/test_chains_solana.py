"""Solana adapter against the real LiteSVM endpoint, approvals sent with solana-py's AsyncClient."""

from __future__ import annotations

import asyncio
import os

import pytest
from hot.examples.policies.solana import RENT_EXEMPT_EMPTY_ACCOUNT, approve_transaction
from hot.mpc.chains.base import SOLANA_CHAIN_ID, AuthMethod
from hot.wire.errors import InvalidRequest
from hot.mpc.chains.solana import (
    SolanaVerifier,
    approval_address,
    approval_in_account_info,
)
from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.transaction import VersionedTransaction
from solders.transaction_status import TransactionConfirmationStatus

from .chain_fixtures import ChainCase, run_verify

pytestmark = pytest.mark.integration


def test_owner_approval_allows_and_other_hash_denies(solana_case: ChainCase) -> None:
    approved, other = os.urandom(32), os.urandom(32)
    solana_case.approve(approved)
    assert run_verify(SolanaVerifier(solana_case.url), solana_case.method, approved).allowed is True
    assert run_verify(SolanaVerifier(solana_case.url), solana_case.method, other).allowed is False


def test_approval_by_someone_else_does_not_count(solana_case: ChainCase) -> None:
    """A stranger can approve under their own key only: the address is derived from the signer."""
    stranger, msg_hash = Keypair(), os.urandom(32)

    async def stranger_approves() -> None:
        async with AsyncClient(solana_case.url) as client:
            await client.confirm_transaction((await client.request_airdrop(stranger.pubkey(), 10**9)).value)
            blockhash = (await client.get_latest_blockhash()).value.blockhash
            await client.send_transaction(approve_transaction(stranger, msg_hash, blockhash))

    asyncio.run(stranger_approves())
    assert run_verify(SolanaVerifier(solana_case.url), solana_case.method, msg_hash).allowed is False
    stranger_method = AuthMethod(SOLANA_CHAIN_ID, str(stranger.pubkey()))
    assert run_verify(SolanaVerifier(solana_case.url), stranger_method, msg_hash).allowed is True


def test_client_reads_the_approval_account(solana_case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    solana_case.approve(msg_hash)

    async def read() -> object:
        async with AsyncClient(solana_case.url) as client:
            owner = Pubkey.from_string(solana_case.method.contract_id)
            return (await client.get_account_info(approval_address(owner, msg_hash))).value

    account = asyncio.run(read())
    assert account is not None and account.owner == Pubkey(msg_hash)


def test_bad_inputs_are_typed() -> None:
    with pytest.raises(InvalidRequest):
        run_verify(SolanaVerifier("http://127.0.0.1:9"), AuthMethod(SOLANA_CHAIN_ID, "not-base58!"), os.urandom(32))
    with pytest.raises(InvalidRequest):
        approval_address(Keypair().pubkey(), os.urandom(32), seed="x" * 33)


def test_shape_checks_never_allow() -> None:
    from hot.wire.errors import MalformedAnswer

    h = os.urandom(32)
    good = {"lamports": 1, "data": ["", "base64"], "owner": str(Pubkey(h))}
    assert approval_in_account_info({"context": {"slot": 1}, "value": good}, h) is True
    for bad in ([], {"value": good}, {"context": {"slot": "1"}, "value": good},
                {"context": {"slot": 1}, "value": {**good, "lamports": "1"}},
                {"context": {"slot": 1}, "value": {**good, "data": "AA=="}}):
        with pytest.raises(MalformedAnswer):
            approval_in_account_info(bad, h)


def test_async_client_round_trip(solana_case: ChainCase) -> None:
    """The RPC methods solana-py's AsyncClient needs, parsed by solders' own response types."""

    payer, receiver = Keypair(), Keypair()

    async def run() -> None:
        async with AsyncClient(solana_case.url) as client:
            assert (await client.get_version()).value.solana_core
            slot_before = (await client.get_slot()).value
            await client.confirm_transaction((await client.request_airdrop(payer.pubkey(), 10**9)).value)
            assert (await client.get_balance(payer.pubkey())).value == 10**9
            blockhash = (await client.get_latest_blockhash()).value.blockhash
            ix = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=receiver.pubkey(),
                                         lamports=RENT_EXEMPT_EMPTY_ACCOUNT))
            tx = VersionedTransaction(Message.new_with_blockhash([ix], payer.pubkey(), blockhash), [payer])
            simulated = (await client.simulate_transaction(tx)).value
            assert simulated.err is None and simulated.logs
            signature = (await client.send_transaction(tx)).value
            status = (await client.get_signature_statuses([signature])).value[0]
            assert status is not None and status.confirmation_status == TransactionConfirmationStatus.Finalized
            assert (await client.get_balance(receiver.pubkey())).value == RENT_EXEMPT_EMPTY_ACCOUNT
            assert (await client.get_slot()).value > slot_before

    asyncio.run(run())
