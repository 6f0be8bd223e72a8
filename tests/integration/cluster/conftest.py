"""Cluster tests: their own session localnet, the SDK plugin's `hot_localnet` fixture registered here again.

Imported into this conftest, the fixture is a separate definition for this folder, so these tests get
a localnet sized by the `hot_localnet_options` below while the e2e and browser suites keep the
plugin's 5/3 one. 3 nodes with threshold 2 is the smallest set with an ECDSA signer set of 2t-1: it
keeps the suite inside its time budget on a 2-core machine; `hot localnet up` defaults to 5/3.
"""

import pytest
from hot.localnet.cluster.config import ClusterOptions
from hot.sdk.testing import hot_localnet  # noqa: F401  (pytest fixture)


@pytest.fixture(scope="session")
def hot_localnet_options() -> ClusterOptions:
    return ClusterOptions(nodes=3, threshold=2, start_timeout=60)
