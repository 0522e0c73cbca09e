"""The table the ``apigateway`` control-plane handlers register into."""

from mockgw.operations import OperationTable

operation = OperationTable("apigateway")
