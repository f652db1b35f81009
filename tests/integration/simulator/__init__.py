"""SEFAZ simulator tests."""
