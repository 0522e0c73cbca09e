"""The wire protocol of the control plane, driven entirely by botocore's service models.

``rules`` makes each operation's URL rule (the application's url_map routes with them),
``parsing`` turns a request into the operation's input dict, ``serializing`` turns an
output dict or a modeled error into status, headers and body.  Nothing here imports a
handler.
"""
