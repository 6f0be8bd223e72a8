"""The protocol runner: DKG, resharing, presignature pools and signing sessions over the peer mesh.

Driven by the Controller's state (`hot.mpc.node.controller_client.ControllerView`): key
generation while Initializing (then `vote_pk`), resharing while Resharing (then
`vote_reshared`), presignature refill while Running. Signing sessions answer the gatekeeper's
HTTP calls (`hot.mpc.node.http_api`).
"""
