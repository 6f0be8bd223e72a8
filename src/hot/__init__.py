"""hot-protocol: smart contracts that own private keys (whitepaper §1).

The import namespace maps the repository's top-level folders: `hot.mpc` (mpc/), `hot.sdk` (sdk/),
`hot.contracts` (contracts/), `hot.localnet` (localnet/), `hot.bench` (bench/).
"""

__version__ = "0.1.0"
