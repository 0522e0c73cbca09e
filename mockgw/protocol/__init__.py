"""The wire protocol of the control plane, driven entirely by botocore's service models.

``routing`` maps (method, path, query) to an operation, ``parsing`` turns the request into
the operation's input dict, ``serializing`` turns an output dict or a modeled error into
status, headers and body.  Nothing here imports a handler.
"""
