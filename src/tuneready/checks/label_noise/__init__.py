"""The label_noise check: the check, its tables, and free-form answer targets."""
