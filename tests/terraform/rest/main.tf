# A REST API built resource by resource, the way most Terraform users write one.

variable "account_id" {
  type = string
}

variable "backend_url" {
  description = "An HTTP backend the HTTP_PROXY integration forwards to"
  type        = string
}

variable "release" {
  description = "\"1\", then \"2\": the second release changes a little of everything"
  type        = string
}

variable "function" {
  description = "The aws_lambda_function of the TOKEN authorizer"
  type        = object({ function_name = string, invoke_arn = string })
}

variable "alias" {
  description = "The aws_lambda_alias behind ANY /app/{proxy+}"
  type        = object({ name = string, function_name = string, invoke_arn = string })
}

locals {
  second = var.release != "1"
  # the API's execution_arn lacks the account (see ../main.tf)
  execution_arn = "arn:aws:execute-api:us-east-1:${var.account_id}:${aws_api_gateway_rest_api.api.id}"
}

resource "aws_api_gateway_rest_api" "api" {
  name                     = "terraform-rest"
  description              = "Built resource by resource, release ${var.release}"
  binary_media_types       = ["image/png"]
  minimum_compression_size = "1024"
  api_key_source           = "HEADER"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = {
    owner   = "terraform"
    release = var.release
  }
}

# --- resources -------------------------------------------------------------------------

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{id}"
}

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_resource" "app" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "app"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_resource.app.id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_resource" "secure" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "secure"
}

resource "aws_api_gateway_resource" "private" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "private"
}

# --- a model and a validator ------------------------------------------------------------

resource "aws_api_gateway_model" "item" {
  rest_api_id  = aws_api_gateway_rest_api.api.id
  name         = "Item"
  description  = "An item"
  content_type = "application/json"
  schema = jsonencode({
    "$schema" = "http://json-schema.org/draft-04/schema#"
    title     = "Item"
    type      = "object"
    required  = ["name"]
    properties = merge({ name = { type = "string" }, price = { type = "number" } },
      { for name, schema in { tags = { type = "array", items = { type = "string" } } } :
    name => schema if local.second })
  })
}

resource "aws_api_gateway_request_validator" "all" {
  rest_api_id                 = aws_api_gateway_rest_api.api.id
  name                        = "body-and-parameters-${var.release}"
  validate_request_body       = true
  validate_request_parameters = true
}

# --- GET /items/{id}: MOCK with request parameters and templates ------------------------

resource "aws_api_gateway_method" "get_item" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  resource_id          = aws_api_gateway_resource.item.id
  http_method          = "GET"
  authorization        = "NONE"
  request_validator_id = aws_api_gateway_request_validator.all.id
  request_parameters = merge({
    "method.request.path.id"             = true
    "method.request.querystring.verbose" = false
    "method.request.header.X-Client"     = true
  }, local.second ? { "method.request.header.X-Trace" = false } : {})
}

resource "aws_api_gateway_integration" "get_item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.item.id
  http_method = aws_api_gateway_method.get_item.http_method
  type        = "MOCK"
  request_parameters = {
    "integration.request.path.id" = "method.request.path.id"
  }
  cache_key_parameters = ["method.request.path.id"]
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "get_item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.item.id
  http_method = aws_api_gateway_method.get_item.http_method
  status_code = "200"
  response_models = {
    "application/json" = aws_api_gateway_model.item.name
  }
  response_parameters = {
    "method.response.header.X-Item-Id" = true
  }
}

resource "aws_api_gateway_integration_response" "get_item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.item.id
  http_method = aws_api_gateway_method.get_item.http_method
  status_code = aws_api_gateway_method_response.get_item.status_code
  response_parameters = {
    "method.response.header.X-Item-Id" = "'terraform'"
  }
  response_templates = {
    "application/json" = <<-EOT
      {"id": "$input.params('id')", "client": "$input.params('X-Client')", "stage": "$context.stage", "color": "$stageVariables.color", "release": "${var.release}"}
    EOT
  }
  depends_on = [aws_api_gateway_integration.get_item]
}

# --- POST /items: a body validated against the model -----------------------------------

resource "aws_api_gateway_method" "post_items" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  resource_id          = aws_api_gateway_resource.items.id
  http_method          = "POST"
  authorization        = "NONE"
  request_validator_id = aws_api_gateway_request_validator.all.id
  request_models = {
    "application/json" = aws_api_gateway_model.item.name
  }
}

resource "aws_api_gateway_integration" "post_items" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  resource_id          = aws_api_gateway_resource.items.id
  http_method          = aws_api_gateway_method.post_items.http_method
  type                 = "MOCK"
  passthrough_behavior = "NEVER"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 201 })
  }
}

resource "aws_api_gateway_method_response" "post_items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.post_items.http_method
  status_code = "201"
}

resource "aws_api_gateway_integration_response" "post_items" {
  rest_api_id       = aws_api_gateway_rest_api.api.id
  resource_id       = aws_api_gateway_resource.items.id
  http_method       = aws_api_gateway_method.post_items.http_method
  status_code       = aws_api_gateway_method_response.post_items.status_code
  selection_pattern = ""
  response_templates = {
    "application/json" = "{\"created\": true, \"requestId\": \"$context.requestId\"}"
  }
  depends_on = [aws_api_gateway_integration.post_items]
}

# --- GET /health: HTTP_PROXY ------------------------------------------------------------

resource "aws_api_gateway_method" "health" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.health.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "health" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.health.id
  http_method             = aws_api_gateway_method.health.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${var.backend_url}/health"
  timeout_milliseconds    = 5000
}

# --- ANY /app/{proxy+}: AWS_PROXY to the Lambda function --------------------------------

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
  request_parameters = {
    "method.request.path.proxy" = true
  }
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.alias.invoke_arn
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.alias.function_name
  qualifier     = var.alias.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/*/*"
}

# --- GET /private: a TOKEN authorizer (Lambda) -------------------------------------------

resource "aws_api_gateway_authorizer" "token" {
  name                             = "token"
  rest_api_id                      = aws_api_gateway_rest_api.api.id
  type                             = "TOKEN"
  authorizer_uri                   = var.function.invoke_arn
  identity_source                  = "method.request.header.Authorization"
  authorizer_result_ttl_in_seconds = local.second ? 60 : 0
}

resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/authorizers/${aws_api_gateway_authorizer.token.id}"
}

resource "aws_api_gateway_method" "private" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.private.id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.token.id
}

resource "aws_api_gateway_integration" "private" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.private.id
  http_method = aws_api_gateway_method.private.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "private" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.private.id
  http_method = aws_api_gateway_method.private.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "private" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.private.id
  http_method = aws_api_gateway_method.private.http_method
  status_code = aws_api_gateway_method_response.private.status_code
  response_templates = {
    "application/json" = "{\"principal\": \"$context.authorizer.principalId\", \"team\": \"$context.authorizer.team\"}"
  }
  depends_on = [aws_api_gateway_integration.private]
}

# --- GET /secure: an API key, a usage plan and its key -----------------------------------

resource "aws_api_gateway_method" "secure" {
  rest_api_id      = aws_api_gateway_rest_api.api.id
  resource_id      = aws_api_gateway_resource.secure.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "secure" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.secure.id
  http_method = aws_api_gateway_method.secure.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "secure" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.secure.id
  http_method = aws_api_gateway_method.secure.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "secure" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.secure.id
  http_method = aws_api_gateway_method.secure.http_method
  status_code = aws_api_gateway_method_response.secure.status_code
  response_templates = {
    "application/json" = "{\"key\": \"$context.identity.apiKey\"}"
  }
  depends_on = [aws_api_gateway_integration.secure]
}

resource "aws_api_gateway_api_key" "client" {
  name        = "terraform-client"
  description = "The key the test calls /secure with (release ${var.release})"
  value       = "terraform-client-key-0123456789"
}

resource "aws_api_gateway_usage_plan" "basic" {
  name        = "terraform-basic"
  description = "Basic plan"

  api_stages {
    api_id = aws_api_gateway_rest_api.api.id
    stage  = aws_api_gateway_stage.live.stage_name

    throttle {
      path        = "/secure/GET"
      burst_limit = 5
      rate_limit  = 2
    }
  }

  quota_settings {
    limit  = local.second ? 2000 : 1000
    period = "DAY"
  }

  throttle_settings {
    burst_limit = 20
    rate_limit  = 10
  }
}

resource "aws_api_gateway_usage_plan_key" "client" {
  key_id        = aws_api_gateway_api_key.client.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.basic.id
}

# --- a gateway response -----------------------------------------------------------------

resource "aws_api_gateway_gateway_response" "missing_token" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  response_type = "MISSING_AUTHENTICATION_TOKEN"
  status_code   = "404"
  response_parameters = {
    "gatewayresponse.header.X-Terraform" = "'release-${var.release}'"
  }
  response_templates = {
    "application/json" = "{\"message\": \"no route here\", \"path\": \"$context.path\", \"release\": \"$stageVariables.release\"}"
  }
}

# --- deployment, stage, method settings ------------------------------------------------

resource "aws_api_gateway_deployment" "live" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  description = "Deployed by Terraform"

  # The documented pattern: redeploy whenever one of these changes (ids, and the
  # templates the release variable feeds).
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.items.id,
      aws_api_gateway_resource.item.id,
      aws_api_gateway_resource.health.id,
      aws_api_gateway_resource.proxy.id,
      aws_api_gateway_resource.secure.id,
      aws_api_gateway_resource.private.id,
      aws_api_gateway_method.get_item.id,
      aws_api_gateway_method.post_items.id,
      aws_api_gateway_method.health.id,
      aws_api_gateway_method.proxy.id,
      aws_api_gateway_method.secure.id,
      aws_api_gateway_method.private.id,
      aws_api_gateway_integration.get_item.id,
      aws_api_gateway_integration.post_items.id,
      aws_api_gateway_integration.health.id,
      aws_api_gateway_integration.proxy.id,
      aws_api_gateway_integration.secure.id,
      aws_api_gateway_integration.private.id,
      aws_api_gateway_integration_response.get_item.response_templates,
      aws_api_gateway_integration_response.post_items.id,
      aws_api_gateway_integration_response.secure.id,
      aws_api_gateway_integration_response.private.id,
      aws_api_gateway_gateway_response.missing_token.id,
      aws_api_gateway_integration.members.id,
      aws_api_gateway_integration.queue.id,
      aws_api_gateway_integration.internal.id,
      aws_api_gateway_rest_api_policy.api.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.live.id
  stage_name    = "live"
  description   = "The live stage"

  variables = {
    color   = "blue"
    release = var.release
  }

  xray_tracing_enabled  = true
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
  client_certificate_id = aws_api_gateway_client_certificate.backend.id
  documentation_version = aws_api_gateway_documentation_version.v1.version

  access_log_settings {
    destination_arn = "arn:aws:logs:us-east-1:${var.account_id}:log-group:terraform-rest-access"
    format = jsonencode({
      requestId = "$context.requestId"
      status    = "$context.status"
      path      = "$context.path"
    })
  }

  tags = {
    stage = "live"
  }

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.live.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "INFO"
    data_trace_enabled     = false
    throttling_burst_limit = 100
    throttling_rate_limit  = local.second ? 60 : 50
  }
}

resource "aws_api_gateway_method_settings" "get_item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.live.stage_name
  # the provider's documented form: the resource path without its leading slash
  method_path = "${trimprefix(aws_api_gateway_resource.item.path, "/")}/GET"

  settings {
    # A new per-method setting starts from the stage's */* settings on AWS, and the
    # provider sends only values that differ from Go's zero value: metrics_enabled = false
    # would drift against AWS too, so this override keeps the */* value.
    metrics_enabled        = true
    throttling_burst_limit = 5
    throttling_rate_limit  = 2
  }
}

output "api_id" {
  value = aws_api_gateway_rest_api.api.id
}

output "stage" {
  value = aws_api_gateway_stage.live.stage_name
}

output "deployment_id" {
  value = aws_api_gateway_deployment.live.id
}

output "api_key" {
  value     = aws_api_gateway_api_key.client.value
  sensitive = true
}
