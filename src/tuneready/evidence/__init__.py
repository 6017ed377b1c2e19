"""Shared, lazily computed evidence stages that checks read: text, tokens, proxy,
label issues, minhash..."""
