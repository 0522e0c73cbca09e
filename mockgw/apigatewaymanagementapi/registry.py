"""The table the ``apigatewaymanagementapi`` control-plane handlers register into."""

from mockgw.operations import OperationTable

operation = OperationTable("apigatewaymanagementapi")
