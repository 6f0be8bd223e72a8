"""The regtest Bitcoin localnet's fixtures (a fresh node per test, its Esplora API, funded keys)."""

from tests.support.bitcoin_fixtures import *  # noqa: F401,F403
