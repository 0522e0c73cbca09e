# The root configuration tests/test_terraform.py applies: the AWS provider pointed at a
# `mockgw serve`, one Lambda function the APIs share, and one module per configuration
# (each a directory beside this file): rest, openapi, http, websocket, domains.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "URL of the mockgw server, e.g. http://127.0.0.1:4566"
  type        = string
}

variable "lambda_zip" {
  description = "Path of the deployment package of functions/app.py"
  type        = string
}

variable "backend_url" {
  description = "An HTTP backend the HTTP_PROXY integrations forward to"
  type        = string
}

variable "release" {
  description = "\"1\", then \"2\": the second release changes a little of everything"
  type        = string
  default     = "1"
}

# --8<-- [start:provider]
provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    apigateway   = var.endpoint
    apigatewayv2 = var.endpoint
    lambda       = var.endpoint
    iam          = var.endpoint
    sts          = var.endpoint
  }
}
# --8<-- [end:provider]

locals {
  # With skip_requesting_account_id the provider does not know the account: execution_arn
  # attributes come without it ("arn:aws:execute-api:us-east-1::id"), so the modules spell
  # execution ARNs out with mockgw's default account.
  account_id = "123456789012"
}

resource "aws_lambda_function" "app" {
  function_name    = "terraform-app"
  filename         = var.lambda_zip
  source_code_hash = filebase64sha256(var.lambda_zip)
  handler          = "app.handler"
  runtime          = "python3.12"
  role             = "arn:aws:iam::${local.account_id}:role/terraform-lambda"
  timeout          = 10
  memory_size      = 256
  publish          = true

  environment {
    variables = {
      GREETING = "hello"
      RELEASE  = var.release
    }
  }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "What the REST API's proxy resource calls"
  function_name    = aws_lambda_function.app.function_name
  function_version = aws_lambda_function.app.version
}

module "rest" {
  source      = "./rest"
  account_id  = local.account_id
  backend_url = var.backend_url
  release     = var.release
  function    = aws_lambda_function.app
  alias       = aws_lambda_alias.live
}

module "openapi" {
  source      = "./openapi"
  backend_url = var.backend_url
  release     = var.release
}

module "http" {
  source      = "./http"
  account_id  = local.account_id
  backend_url = var.backend_url
  release     = var.release
  function    = aws_lambda_function.app
}

module "websocket" {
  source     = "./websocket"
  account_id = local.account_id
  release    = var.release
  function   = aws_lambda_function.app
}

module "domains" {
  source      = "./domains"
  account_id  = local.account_id
  release     = var.release
  rest_api_id = module.rest.api_id
  rest_stage  = module.rest.stage
  http_api_id = module.http.api_id
  http_stage  = module.http.stage
}

output "rest" {
  value     = module.rest
  sensitive = true # it holds the API key's value
}

output "openapi" {
  value = module.openapi
}

output "http" {
  value = module.http
}

output "websocket" {
  value = module.websocket
}

output "domains" {
  value = module.domains
}
