"""The Lambda runtime: running functions, shared by the Invoke operation and the data plane.

The data plane calls these (never the control-plane handlers)::

    from mockgw.runtime import invoke, may_invoke

    result = invoke(instance, account, region, "arn:aws:lambda:...:function:fn:prod",
                    payload=b'{"path": "/"}')
    result.status, result.payload, result.function_error, result.executed_version

    may_invoke(instance, account, region, function_arn,
               source_arn="arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets")
"""

from mockgw.runtime.engine import InvokeResult, invoke
from mockgw.runtime.permissions import may_invoke, policy_allows

__all__ = ["InvokeResult", "invoke", "may_invoke", "policy_allows"]
