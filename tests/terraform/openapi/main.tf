# A REST API from an OpenAPI 3.0 body with API Gateway's extensions, deployed to a stage.

variable "release" {
  description = "\"1\", then \"2\": the second release adds GET /version"
  type        = string
}

variable "backend_url" {
  description = "An HTTP backend the HTTP_PROXY integration forwards to"
  type        = string
}

resource "aws_api_gateway_rest_api" "pets" {
  name        = "terraform-openapi"
  description = "Imported from an OpenAPI body"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "terraform-openapi", version = "1.${var.release}" }
    paths = merge({ for path, item in {
      "/version" = {
        get = {
          responses = { "200" = { description = "The release" } }
          x-amazon-apigateway-integration = {
            type             = "mock"
            requestTemplates = { "application/json" = "{\"statusCode\": 200}" }
            responses = {
              default = {
                statusCode        = "200"
                responseTemplates = { "application/json" = "{\"release\": \"${var.release}\"}" }
              }
            }
          }
        }
      }
      } : path => item if var.release != "1" }, {
      "/pets" = {
        get = {
          parameters = [
            { name = "type", in = "query", required = false, schema = { type = "string" } },
          ]
          responses = {
            "200" = {
              description = "The pets"
              content     = { "application/json" = { schema = { "$ref" = "#/components/schemas/Pets" } } }
            }
          }
          x-amazon-apigateway-integration = {
            type             = "mock"
            requestTemplates = { "application/json" = "{\"statusCode\": 200}" }
            responses = {
              default = {
                statusCode = "200"
                responseTemplates = {
                  "application/json" = "[{\"id\": 1, \"type\": \"$input.params('type')\"}]"
                }
              }
            }
          }
        }
        post = {
          x-amazon-apigateway-request-validator = "body"
          requestBody = {
            required = true
            content  = { "application/json" = { schema = { "$ref" = "#/components/schemas/Pet" } } }
          }
          responses = { "201" = { description = "Created" } }
          x-amazon-apigateway-integration = {
            type                = "mock"
            passthroughBehavior = "never"
            requestTemplates    = { "application/json" = "{\"statusCode\": 201}" }
            responses = {
              default = {
                statusCode        = "201"
                responseTemplates = { "application/json" = "{\"created\": true}" }
              }
            }
          }
        }
      }
      "/pets/{petId}" = {
        get = {
          parameters = [
            { name = "petId", in = "path", required = true, schema = { type = "string" } },
          ]
          responses = { "200" = { description = "A pet" } }
          x-amazon-apigateway-integration = {
            type                = "http_proxy"
            httpMethod          = "GET"
            uri                 = "${var.backend_url}/pets/{petId}"
            requestParameters   = { "integration.request.path.petId" = "method.request.path.petId" }
            passthroughBehavior = "when_no_match"
          }
        }
      }
    })
    components = {
      schemas = {
        Pet = {
          type       = "object"
          required   = ["name"]
          properties = { name = { type = "string" }, type = { type = "string" } }
        }
        Pets = { type = "array", items = { "$ref" = "#/components/schemas/Pet" } }
      }
    }
    x-amazon-apigateway-request-validators = {
      body = { validateRequestBody = true, validateRequestParameters = false }
    }
    x-amazon-apigateway-gateway-responses = {
      BAD_REQUEST_BODY = {
        statusCode = 422
        responseTemplates = {
          "application/json" = "{\"problem\": \"$context.error.validationErrorString\"}"
        }
      }
    }
  })
}

resource "aws_api_gateway_deployment" "v1" {
  rest_api_id = aws_api_gateway_rest_api.pets.id

  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.pets.body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "v1" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  deployment_id = aws_api_gateway_deployment.v1.id
  stage_name    = "v1"
}

output "api_id" {
  value = aws_api_gateway_rest_api.pets.id
}

output "stage" {
  value = aws_api_gateway_stage.v1.stage_name
}
