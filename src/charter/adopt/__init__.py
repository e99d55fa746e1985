"""`charter adopt`: bring an existing repository under the template without overwriting it.

    result = adopt(root, template="https://git.example.org/ml/charter.git")

Copier renders the template (example pipeline off) into a scratch folder; each
file the repository lacks is added, a file both sides have is left as it is and
listed for a person to merge (`pyproject.toml` is merged: missing tool tables
appended, dependencies added with `uv add`), `requirements.txt` is imported,
and a contract is drafted for each data file found (`charter new contract`'s
drafting). The scratch render stays in `.git/charter-adopt/` for the merge.
"""
