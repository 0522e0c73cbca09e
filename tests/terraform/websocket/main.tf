# A WebSocket API: Lambda on $connect (behind a REQUEST authorizer), $disconnect and
# $default, and a two-way MOCK route.

variable "account_id" {
  type = string
}

variable "release" {
  description = "\"1\", then \"2\": the second release changes the pong and the throttle"
  type        = string
}

variable "function" {
  description = "The aws_lambda_function behind $connect, $disconnect and $default"
  type        = object({ function_name = string, invoke_arn = string })
}

resource "aws_apigatewayv2_api" "ws" {
  name                       = "terraform-websocket"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
  description                = "Chat"
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                    = aws_apigatewayv2_api.ws.id
  integration_type          = "AWS_PROXY"
  integration_method        = "POST"
  integration_uri           = var.function.invoke_arn
  content_handling_strategy = "CONVERT_TO_TEXT"
  passthrough_behavior      = "WHEN_NO_MATCH"
}

# No authorizer_result_ttl_in_seconds: AWS refuses it for WebSocket APIs, and the provider
# sends it only when set (or, 300, for HTTP APIs).
resource "aws_apigatewayv2_authorizer" "connect" {
  api_id          = aws_apigatewayv2_api.ws.id
  name            = "connect"
  authorizer_type = "REQUEST"
  authorizer_uri  = var.function.invoke_arn
  identity_sources = var.release == "1" ? ["route.request.querystring.token"] : [
    "route.request.querystring.token", "route.request.header.X-Client",
  ]
}

resource "aws_apigatewayv2_route" "connect" {
  api_id             = aws_apigatewayv2_api.ws.id
  route_key          = "$connect"
  target             = "integrations/${aws_apigatewayv2_integration.lambda.id}"
  operation_name     = "Connect"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.connect.id
}

resource "aws_apigatewayv2_route" "disconnect" {
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "$disconnect"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_route" "default" {
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_integration" "ping" {
  api_id                        = aws_apigatewayv2_api.ws.id
  integration_type              = "MOCK"
  template_selection_expression = "\\$default"
  request_templates = {
    "$default" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_apigatewayv2_integration_response" "ping" {
  api_id                   = aws_apigatewayv2_api.ws.id
  integration_id           = aws_apigatewayv2_integration.ping.id
  integration_response_key = "/200/"
  response_templates = {
    "$default" = jsonencode({ action = "pong", release = var.release })
  }
}

resource "aws_apigatewayv2_route" "ping" {
  api_id                              = aws_apigatewayv2_api.ws.id
  route_key                           = "ping"
  target                              = "integrations/${aws_apigatewayv2_integration.ping.id}"
  route_response_selection_expression = "$default"
}

resource "aws_apigatewayv2_route_response" "ping" {
  api_id             = aws_apigatewayv2_api.ws.id
  route_id           = aws_apigatewayv2_route.ping.id
  route_response_key = "$default"
}

resource "aws_apigatewayv2_deployment" "live" {
  api_id = aws_apigatewayv2_api.ws.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_apigatewayv2_route.connect.id, aws_apigatewayv2_route.disconnect.id,
      aws_apigatewayv2_route.default.id, aws_apigatewayv2_route.ping.id,
      aws_apigatewayv2_route_response.ping.id,
      aws_apigatewayv2_integration_response.ping.response_templates,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apigatewayv2_stage" "live" {
  api_id        = aws_apigatewayv2_api.ws.id
  name          = "live"
  deployment_id = aws_apigatewayv2_deployment.live.id

  default_route_settings {
    throttling_burst_limit = var.release == "1" ? 50 : 60
    throttling_rate_limit  = 25
  }
}

resource "aws_lambda_permission" "ws" {
  statement_id  = "AllowWebSocketInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:${var.account_id}:${aws_apigatewayv2_api.ws.id}/*"
}

output "api_id" {
  value = aws_apigatewayv2_api.ws.id
}

output "stage" {
  value = aws_apigatewayv2_stage.live.name
}
