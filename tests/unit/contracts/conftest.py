"""Contract tests run on hot.sdk.testing's in-process chain; fixtures live in tests/support/protocol_contracts.py."""

from hot.sdk.testing import _hot_session_chain, hot_chain, hot_root, near_rpc  # noqa: F401

from tests.support.protocol_contracts import *  # noqa: F401,F403
