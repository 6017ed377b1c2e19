"""Orchestration: the pipeline, the check runner, side lanes and library setup."""
