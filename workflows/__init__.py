"""Temporal workflows and activities that fan a submission out to its target systems."""
