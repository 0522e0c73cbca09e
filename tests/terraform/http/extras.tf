# More of what HTTP APIs carry: a Lambda REQUEST authorizer, response parameter mappings,
# a named stage with an explicit deployment and access logs, and a VPC link.

resource "aws_apigatewayv2_authorizer" "lambda" {
  api_id                            = aws_apigatewayv2_api.http.id
  authorizer_type                   = "REQUEST"
  name                              = "lambda"
  authorizer_uri                    = var.function.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  authorizer_result_ttl_in_seconds  = 0
  identity_sources                  = ["$request.header.Authorization"]
}

resource "aws_lambda_permission" "http_authorizer" {
  statement_id  = "AllowHttpApiAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:${var.account_id}:${aws_apigatewayv2_api.http.id}/authorizers/${aws_apigatewayv2_authorizer.lambda.id}"
}

resource "aws_apigatewayv2_route" "team" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /team"
  target             = "integrations/${aws_apigatewayv2_integration.lambda.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.lambda.id
  operation_name     = "GetTeam${var.release}"
}

resource "aws_apigatewayv2_integration" "status" {
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "GET"
  integration_uri    = "${var.backend_url}/status"
  description        = "Status of the backend, its errors relabelled"

  request_parameters = {
    "overwrite:path" = "/status/$request.path.component"
  }

  response_parameters {
    status_code = "500"
    mappings = {
      "overwrite:statuscode"     = "503"
      "append:header.x-degraded" = "true"
    }
  }

  # The second release adds a mapping. (Changing the mappings of a status code already
  # mapped would drift, against AWS too: the provider sends that status code's old entry
  # as {} after the new one, which removes it.)
  dynamic "response_parameters" {
    for_each = var.release == "1" ? [] : ["404"]
    content {
      status_code = response_parameters.value
      mappings    = { "overwrite:statuscode" = "410" }
    }
  }
}

resource "aws_apigatewayv2_route" "status" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /status/{component}"
  target    = "integrations/${aws_apigatewayv2_integration.status.id}"
}

resource "aws_apigatewayv2_deployment" "live" {
  api_id      = aws_apigatewayv2_api.http.id
  description = "Deployed by Terraform"

  triggers = {
    redeployment = sha1(jsonencode([
      aws_apigatewayv2_route.item.id, aws_apigatewayv2_route.proxy.id,
      aws_apigatewayv2_route.health.id, aws_apigatewayv2_route.secure.id,
      aws_apigatewayv2_route.team.id, aws_apigatewayv2_route.status.id,
      aws_apigatewayv2_integration.lambda.id, aws_apigatewayv2_integration.backend.id,
      aws_apigatewayv2_integration.status.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apigatewayv2_stage" "live" {
  api_id        = aws_apigatewayv2_api.http.id
  name          = "live"
  deployment_id = aws_apigatewayv2_deployment.live.id
  description   = "Deployed explicitly"

  access_log_settings {
    destination_arn = "arn:aws:logs:us-east-1:${var.account_id}:log-group:terraform-http-access"
    format          = "$context.requestId $context.routeKey $context.status"
  }

  default_route_settings {
    detailed_metrics_enabled = true
    throttling_burst_limit   = 20
    throttling_rate_limit    = 10
  }
}

resource "aws_apigatewayv2_vpc_link" "internal" {
  name               = "terraform-internal"
  security_group_ids = ["sg-0123456789abcdef0"]
  subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]

  tags = {
    owner = "terraform"
  }
}

resource "aws_apigatewayv2_integration" "internal" {
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = "arn:aws:elasticloadbalancing:us-east-1:${var.account_id}:listener/app/internal/50dc6c495c0c9188/0467ef3c8400ae65"
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.internal.id

  tls_config {
    server_name_to_verify = "internal.example.com"
  }
}

resource "aws_apigatewayv2_route" "internal" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /internal/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.internal.id}"
}
