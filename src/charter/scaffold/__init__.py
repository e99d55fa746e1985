"""Scaffolding for `charter new`: new artifacts start in the standard shape, already wired."""
