"""The documentation site of a project: the MkDocs plugin and the scripts it ships offline."""
