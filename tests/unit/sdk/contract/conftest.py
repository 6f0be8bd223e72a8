"""Contract SDK tests run on hot.sdk.testing's in-process chain (fixtures imported from the plugin)."""

import pytest
from hot.sdk.testing import _hot_session_chain, hot_chain, hot_root  # noqa: F401  (pytest fixtures)

from tests.support.contracts import KITCHEN


@pytest.fixture
def kitchen(hot_chain):  # type: ignore[no-untyped-def]  # noqa: F811
    """The feature-test contract, deployed and initialized on `kitchen.test.near`, owned by alice."""
    alice = hot_chain.create_account("alice")
    app = hot_chain.create_account("kitchen")
    app.deploy(KITCHEN, init="new", args={"owner": alice.account_id})
    return app
