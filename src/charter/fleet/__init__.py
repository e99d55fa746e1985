"""`charter fleet`: which project is on which release, and what each one's own charter says.

    projects = discover([Path("clones.txt")])          # folders, or files listing them
    report = survey(projects, progress=...)            # runs each project's pinned charter
    render_table(report), render_markdown(report), report.as_dict()

Each project is checked by the charter its `pyproject.toml` pins (the standards it
adopted) and the rule plugins it installs with it (`plugins.py`), not by the charter
running the report; projects sharing a set of pins share one cached environment
(`environments.py`), installed only from allowed sources (`allowlist.py`).
"""
