"""JSON Schemas shipped as package data (see README.md here)."""
