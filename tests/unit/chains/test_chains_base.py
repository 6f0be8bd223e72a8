"""The interface's own rules: endpoint URLs, method names from metadata, chain-id dispatch."""

from __future__ import annotations

import pytest
from hot.mpc.chains import (
    NEAR_CHAIN_ID,
    SOLANA_CHAIN_ID,
    STELLAR_CHAIN_ID,
    TON_CHAIN_ID,
    AuthMethod,
    Decision,
    Delegation,
    Verdict,
    endpoint_verifier,
)
from hot.wire.errors import InsecureEndpoint, InvalidRequest, UnknownChain
from hot.mpc.chains.transport import check_endpoint_url


@pytest.mark.parametrize("url", ["https://rpc.mainnet.near.org", "http://127.0.0.1:3030", "http://localhost:8545",
                                 "http://[::1]:80"])
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert check_endpoint_url(url) == url


@pytest.mark.parametrize("url", ["http://rpc.example.com", "http://10.0.0.1:8545", "ftp://127.0.0.1", "127.0.0.1:80",
                                 "https://", ""])
def test_other_endpoints_are_refused(url: str) -> None:
    with pytest.raises(InsecureEndpoint):
        check_endpoint_url(url)


def test_metadata_names_the_method_or_is_refused() -> None:
    assert AuthMethod(NEAR_CHAIN_ID, "a.near").method_name() == "hot_verify"
    assert AuthMethod(NEAR_CHAIN_ID, "a.near", metadata='{"method": "check"}').method_name() == "check"
    assert AuthMethod(NEAR_CHAIN_ID, "a.near", metadata='{"other": 1}').method_name() == "hot_verify"
    for bad in ('{"method": 5}', '{"method": ""}', "{not json"):
        with pytest.raises(InvalidRequest):
            AuthMethod(NEAR_CHAIN_ID, "a.near", metadata=bad).method_name()


def test_delegations_agree_only_on_the_exact_target() -> None:
    one = Verdict(Decision.DELEGATE, Delegation(1, "0xabc", "hot_verify", b"\x01"))
    other = Verdict(Decision.DELEGATE, Delegation(1, "0xabc", "hot_verify", b"\x02"))
    assert one.key() != other.key() and one.key() != Verdict(Decision.ALLOW).key()


@pytest.mark.parametrize(("chain_id", "module"), [
    (NEAR_CHAIN_ID, "near"), (SOLANA_CHAIN_ID, "solana"), (STELLAR_CHAIN_ID, "stellar"), (TON_CHAIN_ID, "ton"),
    (1, "evm"), (56, "evm"), (131277322940537, "evm"),
])
def test_chain_ids_dispatch_to_their_module(chain_id: int, module: str) -> None:
    verifier = endpoint_verifier(chain_id, "http://127.0.0.1:1")
    assert type(verifier).__module__ == f"hot.mpc.chains.{module}"


def test_unconfigured_chain_is_unknown() -> None:
    from hot.mpc.chains.registry import ChainRegistry

    with pytest.raises(UnknownChain):
        ChainRegistry({}).verifier_for(1)
