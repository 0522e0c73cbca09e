# The provider block every configuration here shares (the test copies it beside each
# configuration's own files): the AWS provider pointed at a `mockgw serve`.

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
