"""Render cost of mapping templates: ``python -m bench.vtl_render``."""

from __future__ import annotations

import json
import time

from mockgw.vtl import render_request, render_response
from mockgw.vtl.velocity import compile_template

# The API Gateway console's "Method Request passthrough" template.
PASSTHROUGH = """#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "http-method" : "$context.httpMethod",
    "stage" : "$context.stage",
    "source-ip" : "$context.identity.sourceIp",
    "user-agent" : "$context.identity.userAgent",
    "request-id" : "$context.requestId",
    "resource-path" : "$context.resourcePath"
    }
}
"""
RESPONSE = """#set($r = $input.path('$'))
{"count": $r.pets.size(), "first": "$r.pets[0].type"}
#if($r.pets.size() > 3)#set($context.responseOverride.status = 201)#end"""

BODY = json.dumps({"pets": [{"id": i, "type": "dog", "price": 249.99} for i in range(5)]})
PARAMS = {"path": {"id": "1"}, "querystring": {"q": "x"},
          "header": {"Accept": "application/json", "User-Agent": "curl/8", "Host": "h"}}
CONTEXT = {"identity": {"accountId": "123456789012", "sourceIp": "203.0.113.9",
                        "userAgent": "curl/8"},
           "apiId": "abc123", "httpMethod": "POST", "stage": "dev", "requestId": "r-1",
           "resourcePath": "/pets"}


def per_call_ms(function, runs: int = 2000) -> float:
    start = time.perf_counter()
    for _ in range(runs):
        function()
    return (time.perf_counter() - start) * 1000 / runs


def main() -> None:
    start = time.perf_counter()
    compile_template(PASSTHROUGH)
    print(f"parse the passthrough template (once): {(time.perf_counter() - start) * 1000:.2f} ms")
    request = render_request(PASSTHROUGH, body=BODY, params=PARAMS, context=CONTEXT,
                             stage_variables={"env": "dev"})
    json.loads(request.text)
    cases = {
        "passthrough request template": lambda: render_request(
            PASSTHROUGH, body=BODY, params=PARAMS, context=CONTEXT,
            stage_variables={"env": "dev"}),
        'MOCK template {"statusCode": 200}': lambda: render_request(
            '{"statusCode": 200}', context=CONTEXT),
        "response template with $input.path": lambda: render_response(
            RESPONSE, body=BODY, context=request.context),
    }
    for name, function in cases.items():
        print(f"render {name}: {per_call_ms(function):.3f} ms")


if __name__ == "__main__":
    main()
