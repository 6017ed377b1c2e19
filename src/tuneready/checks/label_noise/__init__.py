"""The label_noise check: the check and its tables (free-form answers: checks/answers)."""
