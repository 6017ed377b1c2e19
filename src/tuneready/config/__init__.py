"""Policy (defaults only in default.toml), typed settings, prices and the input error."""
