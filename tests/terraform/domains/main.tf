# Custom domain names: a regional REST domain with a base path mapping, and an
# apigatewayv2 domain name with an API mapping to the HTTP API.

variable "account_id" {
  type = string
}

variable "release" {
  type = string
}

variable "rest_api_id" {
  type = string
}

variable "rest_stage" {
  type = string
}

variable "http_api_id" {
  type = string
}

variable "http_stage" {
  type = string
}

locals {
  certificate_arn = "arn:aws:acm:us-east-1:${var.account_id}:certificate/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
}

resource "aws_api_gateway_domain_name" "rest" {
  domain_name              = "rest.terraform.example.com"
  regional_certificate_arn = local.certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = {
    owner   = "terraform"
    release = var.release
  }
}

resource "aws_api_gateway_base_path_mapping" "v1" {
  api_id      = var.rest_api_id
  stage_name  = var.rest_stage
  domain_name = aws_api_gateway_domain_name.rest.domain_name
  base_path   = "v1"
}

resource "aws_apigatewayv2_domain_name" "http" {
  domain_name = "http.terraform.example.com"

  domain_name_configuration {
    certificate_arn = local.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = {
    owner   = "terraform"
    release = var.release
  }
}

resource "aws_apigatewayv2_api_mapping" "http" {
  api_id          = var.http_api_id
  domain_name     = aws_apigatewayv2_domain_name.http.domain_name
  stage           = var.http_stage
  api_mapping_key = "orders"
}

output "rest_domain" {
  value = aws_api_gateway_domain_name.rest.domain_name
}

output "rest_regional_domain" {
  value = aws_api_gateway_domain_name.rest.regional_domain_name
}

output "http_domain" {
  value = aws_apigatewayv2_domain_name.http.domain_name
}

output "http_target_domain" {
  value = aws_apigatewayv2_domain_name.http.domain_name_configuration[0].target_domain_name
}
