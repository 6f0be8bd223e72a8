"""hot.localnet.chain: a NEAR-compatible chain emulator that runs Python contracts.

`Chain` is the entry point (see chain.py); the RPC server in hot.localnet.rpc.near serves it.
"""
