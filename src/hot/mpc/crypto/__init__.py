"""Pure protocol code of hot-protocol: no I/O, no clock, randomness only from an `rng` argument.

Entry points (each module cites the spec section it implements):

- `hot.mpc.crypto.suites`: `get_suite("ed25519" | "secp256k1") -> Ciphersuite`, `ED25519`,
  `SECP256K1`; group ops (`identity`, `is_identity`, `generator`, `base_mul`, `mul`, `add`,
  `neg`, `sub`, `sum`, `multi_mul`, `evaluate_in_exponent` = Σ x^k·P_k),
  `serialize_element` / `deserialize_element`, `serialize_scalar` / `deserialize_scalar`,
  `random_scalar(rng)`, RFC 9591 hashes `H1..H5`, `HDKG`.
- `hot.mpc.crypto.errors`: typed decoding errors (`WrongLength`, `NonCanonicalEncoding`,
  `IdentityElement`, `InvalidPoint`, `NotInPrimeOrderSubgroup`, `ScalarOutOfRange`) and
  `InvalidParameters`; all subclass `hot.wire.errors.EncodingError` / `ProtocolError`.
- `hot.mpc.crypto.polynomial`: `Polynomial`, `lagrange_coefficient(suite_or_order, ids, i, x=0)`,
  `interpolate_at_zero`.
- `hot.mpc.crypto.vss`: Feldman `VssCommitment`, `vss_commit`, `vss_verify`,
  `evaluate_commitment`, `sum_commitments`, `derive_group_info`.
- `hot.mpc.crypto.proofs`: Schnorr proof of knowledge of a discrete log (DKG round one).
- `hot.mpc.crypto.dkg`: Pedersen DKG with Feldman commitments, proofs of knowledge and a
  complaint round that names and excludes cheating dealers (`round1`, `check_round1`, `round2`,
  `verify_received_shares`, `answer_complaint`, `resolve_complaints`, `finalize`,
  `transcript_digest`); `hot.mpc.crypto.dkg_local.run_local_dkg` drives it in one process.
- `hot.mpc.crypto.dealer`: `trusted_dealer_keygen` (RFC 9591 App. C.1; benchmarks and tests).
- `hot.mpc.crypto.keys`: `KeyPackage` (one participant's share) and `PublicKeyPackage`, each
  with `to_bytes` / `from_bytes`; `KeyPackage.check_against(public)`.
- `hot.mpc.crypto.derivation`: `derive_tweak(suite, key_id)`, `derive_public_key(suite, root, key_id)`,
  `derive_key_package`, `derive_public_key_package`.
- `hot.mpc.crypto.frost`: FROST (RFC 9591) `commit`, `sign`, `aggregate`,
  `verify_signature_share`, `verify_signature`; typed round messages (`SigningNonces`,
  `SigningCommitments`, `SigningPackage`, `SignatureShare`, `Signature`) in `frost_messages`.
"""
