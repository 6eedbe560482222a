"""The service layer: every state change of the server goes through here, and each one writes its audit row
in the same database transaction as the change, so a refused or failed request leaves nothing behind."""
