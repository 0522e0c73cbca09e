"""The table the ``lambda`` control-plane handlers register into."""

from mockgw.operations import OperationTable

operation = OperationTable("lambda")
