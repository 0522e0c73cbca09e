# What many REST APIs carry besides their methods: a resource policy, account-level logging,
# a client certificate, documentation, a Cognito authorizer, an AWS service integration and
# a VPC link.

resource "aws_api_gateway_rest_api_policy" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:Invoke"
      Resource  = "${local.execution_arn}/*"
    }]
  })
}

# Execution and access logging need the account's CloudWatch role, on AWS.
resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = "arn:aws:iam::${var.account_id}:role/apigateway-cloudwatch"
  reset_on_delete     = true
}

resource "aws_api_gateway_client_certificate" "backend" {
  description = "Presented to HTTP backends"
  tags = {
    owner = "terraform"
  }
}

resource "aws_api_gateway_documentation_part" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  location {
    type = "API"
  }
  properties = jsonencode({ description = "Items and more" })
}

resource "aws_api_gateway_documentation_part" "get_item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  location {
    type   = "METHOD"
    method = "GET"
    path   = aws_api_gateway_resource.item.path
  }
  properties = jsonencode({ summary = "One item" })
}

resource "aws_api_gateway_documentation_version" "v1" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  version     = "v1"
  description = "First documented version"
  depends_on  = [aws_api_gateway_documentation_part.api, aws_api_gateway_documentation_part.get_item]
}

# --- GET /members: a Cognito user pool authorizer with scopes (not invoked) ---------------

resource "aws_api_gateway_resource" "members" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "members"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "cognito"
  rest_api_id     = aws_api_gateway_rest_api.api.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = ["arn:aws:cognito-idp:us-east-1:${var.account_id}:userpool/us-east-1_Terraform"]
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_method" "members" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  resource_id          = aws_api_gateway_resource.members.id
  http_method          = "GET"
  authorization        = "COGNITO_USER_POOLS"
  authorizer_id        = aws_api_gateway_authorizer.cognito.id
  authorization_scopes = ["members/read"]
  operation_name       = "ListMembers"
}

resource "aws_api_gateway_integration" "members" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.members.id
  http_method = aws_api_gateway_method.members.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

# --- POST /queue: an AWS service integration (SQS SendMessage) -----------------------------

resource "aws_api_gateway_resource" "queue" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "queue"
}

resource "aws_api_gateway_method" "queue" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.queue.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "queue" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.queue.id
  http_method             = aws_api_gateway_method.queue.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:aws:apigateway:us-east-1:sqs:path/${var.account_id}/terraform-queue"
  credentials             = "arn:aws:iam::${var.account_id}:role/apigateway-sqs"
  passthrough_behavior    = "NEVER"
  request_parameters = {
    "integration.request.header.Content-Type" = "'application/x-www-form-urlencoded'"
  }
  request_templates = {
    "application/json" = "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
  }
}

# --- GET /internal: an HTTP_PROXY integration through a VPC link ---------------------------

resource "aws_api_gateway_vpc_link" "internal" {
  name        = "terraform-internal"
  description = "To the internal load balancer"
  target_arns = ["arn:aws:elasticloadbalancing:us-east-1:${var.account_id}:loadbalancer/net/internal/50dc6c495c0c9188"]
}

resource "aws_api_gateway_resource" "internal" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "internal"
}

resource "aws_api_gateway_method" "internal" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.internal.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "internal" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.internal.id
  http_method             = aws_api_gateway_method.internal.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "http://internal.example.com/status"
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.internal.id
}
