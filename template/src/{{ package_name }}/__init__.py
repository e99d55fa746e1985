"""The project's own code: pipeline stages and their helpers (see README.md)."""
