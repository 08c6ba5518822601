"""Business-networking strategy simulator (see docs/model.md)."""
