"""hot.sdk.testing: a pytest plugin for contract tests (titanoboa's anchor/reverts, algopy's test context).

Fixtures:
  hot_chain       an in-process chain (no network), reverted to a clean snapshot after each test
  hot_root        the chain's root account (`test.near`), which can create accounts
  near_rpc        the real NEAR JSON-RPC server on a free port in a temp dir (session scope), always stopped
  hot_localnet    a whole localnet (chain, contracts, endpoints, nodes, gatekeeper; session scope), always
                  stopped: deploy a policy, reserve a key, sign, assert (hot.localnet.cluster.testing)
  hot_localnet_options  the size of that localnet (override it, or set HOT_LOCALNET_NODES/_THRESHOLD/_TIMEOUT)

Helpers: `TestChain.create_account`, `LocalAccount.deploy/call/view/transfer`, and
`reverts("E_CODE")`, which asserts that a call fails with exactly that coded error.

Register with `pytest_plugins = ["hot.sdk.testing"]` (or the `hot` pytest11 entry point).

Layering (docs/architecture.md, "Who imports whom"): the chain emulator sits above the SDK. This
is the one SDK module allowed to import hot.localnet, and only lazily: inside the fixtures, and for
the helpers on first access (the module `__getattr__` below). pytest imports this plugin in every
run of every project that installs hot-protocol, so importing it must load neither the emulator
nor hot.near's HTTP client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hot.wire.errors import TransactionFailed

if TYPE_CHECKING:  # what type checkers see; at run time these load on first access (__getattr__)
    from hot.near.outcomes import failure_code, view_failure_code
    from hot.localnet.chain.testing import (
        DEFAULT_GAS,
        CallResult,
        LocalAccount,
        TestChain,
        contract_source,
        expect_failure,
        reverts,
    )
    from hot.localnet.cluster.config import ClusterOptions
    from hot.localnet.cluster.testing import LocalnetHandle

# The test harness over the in-process chain (hot.localnet.chain.testing), re-exported on first access.
_CHAIN_HELPERS = frozenset({
    "DEFAULT_GAS", "CallResult", "LocalAccount", "TestChain", "contract_source", "expect_failure", "reverts",
})


# NEAR failure decoding (hot.near.outcomes): below the SDK, but importing hot.near loads its HTTP client.
_OUTCOME_HELPERS = frozenset({"failure_code", "view_failure_code"})


def __getattr__(name: str) -> Any:
    """`from hot.sdk.testing import TestChain` loads the emulator then, not when pytest loads the plugin."""
    if name in _CHAIN_HELPERS:
        from hot.localnet.chain import testing as chain_testing

        value = getattr(chain_testing, name)
    elif name in _OUTCOME_HELPERS:
        from hot.near import outcomes

        value = getattr(outcomes, name)
    elif name == "LocalnetHandle":
        from hot.localnet.cluster.testing import LocalnetHandle as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups are plain attribute reads
    return value


@pytest.fixture(scope="session")
def _hot_session_chain() -> TestChain:
    from hot.localnet.chain.testing import TestChain

    return TestChain()


@pytest.fixture
def hot_chain(_hot_session_chain: TestChain) -> Iterator[TestChain]:
    """A fast in-process chain; whatever the test does is reverted afterwards."""
    with _hot_session_chain.anchor():
        yield _hot_session_chain


@pytest.fixture
def hot_root(hot_chain: TestChain) -> LocalAccount:
    return hot_chain.root


@pytest.fixture(scope="session")
def near_rpc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real NEAR JSON-RPC server over a durable chain in a temp dir, on a free port."""
    from hot.localnet.rpc.near.server import RpcNode

    with RpcNode(tmp_path_factory.mktemp("near-localnet")) as node:
        yield node


@pytest.fixture(scope="session")
def hot_localnet_options() -> ClusterOptions:
    """Size of the session's localnet; override this fixture (or set HOT_LOCALNET_*) to change it."""
    from hot.localnet.cluster.testing import options_from_env

    return options_from_env()


@pytest.fixture(scope="session")
def hot_localnet(tmp_path_factory: pytest.TempPathFactory,
                 hot_localnet_options: ClusterOptions) -> Iterator[LocalnetHandle]:
    """Chain, contracts, endpoints, Bitcoin, nodes and gatekeeper in a temp dir; `down` always runs."""
    from hot.localnet.cluster.lifecycle import down, up
    from hot.localnet.cluster.testing import LocalnetHandle

    data_dir = tmp_path_factory.mktemp("hot-localnet")
    try:
        status = up(data_dir, hot_localnet_options)
        yield LocalnetHandle(data_dir, status)
    finally:
        down(data_dir)


__all__ = [
    "DEFAULT_GAS",
    "CallResult",
    "LocalAccount",
    "LocalnetHandle",
    "TestChain",
    "TransactionFailed",
    "contract_source",
    "expect_failure",
    "failure_code",
    "hot_chain",
    "hot_localnet",
    "hot_localnet_options",
    "hot_root",
    "near_rpc",
    "reverts",
    "view_failure_code",
]
