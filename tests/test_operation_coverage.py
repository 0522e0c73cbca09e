"""Every operation of botocore's ``apigateway`` model has a handler."""

from __future__ import annotations

import botocore.session

from mockgw import apigateway

#: Operations being written elsewhere (the data-plane work); empty this set once they land.
PENDING: set[str] = set()


def model_operations() -> set[str]:
    return set(botocore.session.get_session().get_service_model("apigateway").operation_names)


def test_the_model_has_124_operations():
    assert len(model_operations()) == 124


def test_every_operation_has_a_handler():
    operations = model_operations()
    handled = set(apigateway.operation.handlers)
    assert handled <= operations, f"handlers of no operation: {sorted(handled - operations)}"
    missing = operations - handled
    assert missing <= PENDING, f"operations without a handler: {sorted(missing - PENDING)}"
    assert len(handled) == 124 - len(missing)


# -- apigatewayv2 ---------------------------------------------------------------------------

#: apigatewayv2 operations without a handler yet: none (every operation is served).
V2_PENDING: set[str] = set()

#: The control plane of APIs, routes, integrations, authorizers, models, stages and
#: deployments (mockgw/apigatewayv2).
V2_CORE = {
    "CreateApi", "GetApi", "GetApis", "UpdateApi", "DeleteApi", "DeleteCorsConfiguration",
    "CreateRoute", "GetRoute", "GetRoutes", "UpdateRoute", "DeleteRoute",
    "DeleteRouteRequestParameter",
    "CreateRouteResponse", "GetRouteResponse", "GetRouteResponses", "UpdateRouteResponse",
    "DeleteRouteResponse",
    "CreateIntegration", "GetIntegration", "GetIntegrations", "UpdateIntegration",
    "DeleteIntegration",
    "CreateIntegrationResponse", "GetIntegrationResponse", "GetIntegrationResponses",
    "UpdateIntegrationResponse", "DeleteIntegrationResponse",
    "CreateAuthorizer", "GetAuthorizer", "GetAuthorizers", "UpdateAuthorizer",
    "DeleteAuthorizer", "ResetAuthorizersCache",
    "CreateModel", "GetModel", "GetModels", "UpdateModel", "DeleteModel", "GetModelTemplate",
    "CreateStage", "GetStage", "GetStages", "UpdateStage", "DeleteStage",
    "DeleteRouteSettings", "DeleteAccessLogSettings",
    "CreateDeployment", "GetDeployment", "GetDeployments", "UpdateDeployment",
    "DeleteDeployment",
}


def v2_model_operations() -> set[str]:
    return set(botocore.session.get_session().get_service_model("apigatewayv2").operation_names)


def test_every_v2_operation_is_implemented_or_named_pending():
    from mockgw import apigatewayv2

    operations = v2_model_operations()
    handled = set(apigatewayv2.operation.handlers)
    assert handled <= operations, f"handlers of no operation: {sorted(handled - operations)}"
    assert handled >= V2_CORE, f"core operations without a handler: {sorted(V2_CORE - handled)}"
    missing = operations - handled
    assert missing <= V2_PENDING, f"operations without a handler: {sorted(missing - V2_PENDING)}"
    assert operations >= V2_PENDING, f"not in the model: {sorted(V2_PENDING - operations)}"

