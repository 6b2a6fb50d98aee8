"""The operator commands behind ``dueprocess``: one module per command group."""
