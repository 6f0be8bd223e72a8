"""Cluster tests: the session fixture comes from hot.localnet.cluster.testing (re-exported by hot.sdk.testing).

The session's localnet runs 3 nodes with threshold 2 (the smallest set with an ECDSA signer set of
2t-1) to keep the suite inside its time budget on a 2-core machine; `hot localnet up` defaults to 5/3.
"""

import pytest
from hot.localnet.cluster.config import ClusterOptions
from hot.localnet.cluster.testing import hot_localnet  # noqa: F401  (pytest fixture)


@pytest.fixture(scope="session")
def hot_localnet_options() -> ClusterOptions:
    return ClusterOptions(nodes=3, threshold=2, start_timeout=60)
