"""hot.sdk.client: reserve keys, set access lists, read public keys and addresses, and sign (docs/client.md).

    from hot.sdk.client import HotClient
    with HotClient("http://127.0.0.1:8080", api_key, near_rpc="http://127.0.0.1:3030",
                   near_account_id="alice.test.near", near_private_key="ed25519:...") as hot:
        key = hot.reserve_key([access_method("passkey.test.near")])
        result = hot.sign(key.key_id, "secp256k1", sighash, [user_payload])
"""

from hot.sdk.client.errors import (
                                   AuthorizationDenied,
                                   BadRequest,
                                   GatekeeperError,
                                   InvalidSignature,
                                   KeyMismatch,
                                   NodesUnavailable,
                                   QuotaExceeded,
                                   Unauthorized,
                                   UnknownKey,
)
from hot.sdk.client.hot_client import DEFAULT_REGISTRY, HotClient
from hot.sdk.client.near import NearSession
from hot.wire.errors import NearRpcError
from hot.sdk.client.registry import (
                                   NEAR_CHAIN_ID,
                                   ReservedKey,
                                   access_method,
                                   update_msg_hash,
)
from hot.sdk.client.signatures import Domain, SignatureResult, verify_signature

__all__ = [
    "DEFAULT_REGISTRY", "NEAR_CHAIN_ID", "AuthorizationDenied", "BadRequest", "Domain", "GatekeeperError", "HotClient",
    "InvalidSignature", "KeyMismatch", "NearRpcError", "NearSession", "NodesUnavailable", "QuotaExceeded",
    "ReservedKey", "SignatureResult", "Unauthorized", "UnknownKey", "access_method", "update_msg_hash",
    "verify_signature",
]
