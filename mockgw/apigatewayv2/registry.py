"""The table the ``apigatewayv2`` control-plane handlers register into."""

from mockgw.operations import OperationTable

operation = OperationTable("apigatewayv2")
