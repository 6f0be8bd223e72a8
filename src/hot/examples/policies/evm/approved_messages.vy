# pragma version ~=0.4.3
# @title HOT policy: sign only message hashes the owner approved on this chain.
# @notice The MPC network calls hot_verify through eth_call a few blocks behind the head;
#         it answers true only for a msg_hash the owner approved in an earlier transaction.

owner: public(address)
approved: public(HashMap[bytes32, bool])

event Approved:
    msg_hash: indexed(bytes32)

@deploy
def __init__():
    self.owner = msg.sender

@external
def approve(msg_hash: bytes32):
    assert msg.sender == self.owner, "E_NOT_OWNER"
    self.approved[msg_hash] = True
    log Approved(msg_hash=msg_hash)

@external
def revoke(msg_hash: bytes32):
    assert msg.sender == self.owner, "E_NOT_OWNER"
    self.approved[msg_hash] = False

@external
@view
def hot_verify(msg_hash: bytes32, wallet_id: Bytes[128], user_payload: Bytes[1024], metadata: Bytes[1024]) -> bool:
    return self.approved[msg_hash]
