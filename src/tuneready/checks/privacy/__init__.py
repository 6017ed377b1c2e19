"""privacy: personal data and secrets in training text (``check.py``), with the detectors,
masks and redaction that reports and ``tuneready fix`` share (``detect``, ``secrets``,
``scan``, ``mask``)."""

from tuneready.checks.privacy.check import PrivacyCheck

__all__ = ["PrivacyCheck"]
