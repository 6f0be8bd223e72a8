"""A localnet for the client tests (the real NEAR RPC, the Registry, the passkey contract, gatekeepers):
the fixtures live in tests/support/client_fixtures.py, shared with tests/browser."""

from tests.support.client_fixtures import *  # noqa: F401,F403
