"""Stellar adapter against the local Soroban RPC; approvals sent with unmodified stellar-sdk."""

from __future__ import annotations

import os

import pytest
from hot.localnet.serve import ServerThread
from hot.mpc.chains.base import STELLAR_CHAIN_ID, AuthMethod
from hot.wire.errors import InvalidRequest, MalformedAnswer, PolicyCallFailed
from hot.mpc.chains.stellar import StellarVerifier, bool_from_simulation
from stellar_sdk import Keypair, SorobanServer, scval
from stellar_sdk.exceptions import PrepareTransactionException

from .chain_doubles import lying_proxy
from .chain_fixtures import ChainCase, StellarFixture, rewrite_result, run_verify

pytestmark = pytest.mark.integration


def test_owner_approval_allows_and_other_hash_denies(stellar_case: ChainCase) -> None:
    approved = os.urandom(32)
    stellar_case.approve(approved)
    assert run_verify(StellarVerifier(stellar_case.url), stellar_case.method, approved).allowed is True
    assert run_verify(StellarVerifier(stellar_case.url), stellar_case.method, os.urandom(32)).allowed is False


def test_stranger_cannot_approve(stellar: StellarFixture, stellar_case: ChainCase) -> None:
    import httpx

    stranger, msg_hash = Keypair.random(), os.urandom(32)
    httpx.get(stellar.url + "/friendbot", params={"addr": stranger.public_key}).raise_for_status()
    with pytest.raises(PrepareTransactionException):  # simulation already traps on require_auth
        stellar.invoke(stranger, "approve", [scval.to_bytes(msg_hash)])
    assert stellar.invoke(stranger, "approve", [scval.to_bytes(msg_hash)], prepare=False) == "FAILED"
    assert run_verify(StellarVerifier(stellar.url), stellar_case.method, msg_hash).allowed is False


def test_sdk_reads_the_approval_from_contract_data(stellar: StellarFixture, stellar_case: ChainCase) -> None:
    msg_hash = os.urandom(32)
    stellar_case.approve(msg_hash)
    key = scval.to_vec([scval.to_symbol("Approved"), scval.to_bytes(msg_hash)])
    entry = SorobanServer(stellar.url).get_contract_data(stellar.contract_id, key)
    assert entry is not None


def test_contract_trap_and_missing_contract_are_policy_failures(stellar_case: ChainCase) -> None:
    wrong_method = AuthMethod(STELLAR_CHAIN_ID, stellar_case.method.contract_id, metadata='{"method": "nope"}')
    with pytest.raises(PolicyCallFailed):
        run_verify(StellarVerifier(stellar_case.url), wrong_method, os.urandom(32))
    missing = AuthMethod(STELLAR_CHAIN_ID, "CAAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQC526")
    with pytest.raises(PolicyCallFailed):
        run_verify(StellarVerifier(stellar_case.url), missing, os.urandom(32))


@pytest.mark.parametrize("corrupt", [
    lambda r: {**r, "results": []},
    lambda r: {**r, "results": [{"xdr": r["results"][0]["xdr"][:-4]}]},  # truncated XDR
    lambda r: {**r, "results": [{"xdr": scval.to_bytes(b"\x01").to_xdr()}]},  # wrong type
    lambda r: {k: v for k, v in r.items() if k != "latestLedger"},
    lambda r: "true",
])
def test_malformed_simulations_are_typed_errors(stellar_case: ChainCase, corrupt: object) -> None:
    liar_app = lying_proxy(stellar_case.url, rewrite_result({"simulateTransaction"}, corrupt))  # type: ignore[arg-type]
    with ServerThread(liar_app) as liar, pytest.raises(MalformedAnswer):
        run_verify(StellarVerifier(liar.url), stellar_case.method, os.urandom(32))


def test_bad_contract_id_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        run_verify(StellarVerifier("http://127.0.0.1:9"), AuthMethod(STELLAR_CHAIN_ID, "GABC"), os.urandom(32))
    with pytest.raises(MalformedAnswer):
        bool_from_simulation({"latestLedger": True})


def test_sdk_simulation_of_hot_verify_returns_a_bool(stellar: StellarFixture, stellar_case: ChainCase) -> None:
    from stellar_sdk import TransactionBuilder

    msg_hash = os.urandom(32)
    stellar_case.approve(msg_hash)
    server = SorobanServer(stellar.url)
    args = [scval.to_bytes(msg_hash), scval.to_bytes(b"w"), scval.to_bytes(b""), scval.to_bytes(b"")]
    builder = TransactionBuilder(server.load_account(stellar.owner.public_key), server.get_network().passphrase, 100)
    tx = builder.append_invoke_contract_function_op(stellar.contract_id, "hot_verify", args).set_timeout(30).build()
    simulation = server.simulate_transaction(tx)
    assert simulation.results is not None and scval.to_native(simulation.results[0].xdr) is True
