"""privacy: personal data and secrets in training text (the check is added below)."""
