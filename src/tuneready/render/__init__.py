"""Renderers: each takes only a finished ``Audit`` and returns text. No computing here."""
