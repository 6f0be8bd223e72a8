"""The contract guide's example: a `hot_verify` policy that allows owner-approved message hashes."""
