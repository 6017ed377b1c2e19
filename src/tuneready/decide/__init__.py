"""The readiness decision, the deployment context and the cost table."""
