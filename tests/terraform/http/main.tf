# HTTP APIs (apigatewayv2): one built route by route, one made by quick create.

variable "account_id" {
  type = string
}

variable "release" {
  description = "\"1\", then \"2\": the second release changes a little of everything"
  type        = string
}

variable "backend_url" {
  description = "An HTTP backend the HTTP_PROXY integration forwards to"
  type        = string
}

variable "function" {
  description = "The aws_lambda_function behind the Lambda routes"
  type        = object({ function_name = string, arn = string, invoke_arn = string })
}

resource "aws_apigatewayv2_api" "http" {
  name                         = "terraform-http"
  protocol_type                = "HTTP"
  description                  = "Built route by route"
  version                      = "2024-01-01"
  disable_execute_api_endpoint = false

  cors_configuration {
    allow_origins  = ["https://app.example.com"]
    allow_methods  = ["GET", "POST"]
    allow_headers  = ["authorization", "content-type"]
    expose_headers = ["x-request-id"]
    max_age        = var.release == "1" ? 300 : 600
  }

  tags = {
    owner   = "terraform"
    release = var.release
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.function.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = var.release == "1" ? 10000 : 12000
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "GET"
  integration_uri    = "${var.backend_url}/health"

  request_parameters = {
    "append:header.x-via" = "mockgw"
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.http.id
  authorizer_type  = "JWT"
  name             = "jwt"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    audience = ["terraform", "terraform-${var.release}"]
    issuer   = "https://issuer.example.com"
  }
}

resource "aws_apigatewayv2_route" "item" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /items/{id}"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_route" "proxy" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /app/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.lambda.id}"
}

resource "aws_apigatewayv2_route" "health" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /health"
  target    = "integrations/${aws_apigatewayv2_integration.backend.id}"
}

resource "aws_apigatewayv2_route" "secure" {
  api_id               = aws_apigatewayv2_api.http.id
  route_key            = "GET /secure"
  target               = "integrations/${aws_apigatewayv2_integration.lambda.id}"
  authorization_type   = "JWT"
  authorizer_id        = aws_apigatewayv2_authorizer.jwt.id
  authorization_scopes = ["read"]
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  stage_variables = {
    color   = "green"
    release = var.release
  }

  default_route_settings {
    throttling_burst_limit = 100
    throttling_rate_limit  = 50
  }

  route_settings {
    route_key              = aws_apigatewayv2_route.item.route_key
    throttling_burst_limit = var.release == "1" ? 10 : 20
    throttling_rate_limit  = 5
  }

  tags = {
    stage = "default"
  }
}

resource "aws_lambda_permission" "http" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:${var.account_id}:${aws_apigatewayv2_api.http.id}/*/*"
}

# Quick create: a $default route, its integration and an auto-deploying $default stage.
resource "aws_apigatewayv2_api" "quick" {
  name          = "terraform-quick"
  protocol_type = "HTTP"
  target        = var.function.arn
}

resource "aws_lambda_permission" "quick" {
  statement_id  = "AllowQuickApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:${var.account_id}:${aws_apigatewayv2_api.quick.id}/*/*"
}

output "api_id" {
  value = aws_apigatewayv2_api.http.id
}

output "stage" {
  value = aws_apigatewayv2_stage.default.name
}

output "live_stage" {
  value = aws_apigatewayv2_stage.live.name
}

output "quick_api_id" {
  value = aws_apigatewayv2_api.quick.id
}
