"""hot-protocol: smart contracts that own private keys (whitepaper §1).

Every package under src/hot/ imports as it is named: `hot.wire`, `hot.mpc.crypto` and `hot.near`,
`hot.mpc.chains`, `hot.mpc.node` and `hot.mpc.gatekeeper`, `hot.sdk`, `hot.contracts`, `hot.localnet`,
`hot.examples`, `hot.bench`, `hot.cli`, in that order of layers (docs/architecture.md, "Who imports whom").
"""

__version__ = "0.1.0"
