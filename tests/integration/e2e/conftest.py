"""End-to-end suite (issue 8): the session's real localnet (`hot_localnet`, 5 nodes, threshold 3, from the
`hot` pytest plugin) for everything that does not kill nodes; test_e2e_faults.py starts one more network
(6 nodes, threshold 3) for the kill tests and the restart.
"""

from __future__ import annotations

from typing import Any

import pytest
from hot.localnet.cluster.testing import LocalnetHandle
from hot.sdk.client import access_method

from .e2e_support import OK_POLICY, YES_POLICY


def reserve(handle: LocalnetHandle, policy_account: str) -> str:
    with handle.client() as hot:
        return str(hot.reserve_key([access_method(policy_account)]).key_id)


@pytest.fixture(scope="session")
def policies(hot_localnet: LocalnetHandle) -> dict[str, str]:
    """Two policies on the session's chain: `yes` allows everything, `ok` allows iff the payload is "ok"."""
    return {"yes": hot_localnet.deploy_contract("e2eyes", YES_POLICY),
            "ok": hot_localnet.deploy_contract("e2eok", OK_POLICY)}


@pytest.fixture(scope="session")
def ok_key(hot_localnet: LocalnetHandle, policies: dict[str, str]) -> str:
    return reserve(hot_localnet, policies["ok"])


@pytest.fixture(scope="session")
def gk(hot_localnet: LocalnetHandle) -> Any:
    """(url, headers) of the localnet's own gatekeeper."""
    return hot_localnet.gatekeeper, {"Authorization": f"Bearer {hot_localnet.api_key}"}
