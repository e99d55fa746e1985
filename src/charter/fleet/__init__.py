"""`charter fleet`: which project is on which release, and what each one's own charter says.

    projects = discover([Path("clones.txt")])          # folders, or files listing them
    report = survey(projects, progress=...)            # runs each project's pinned charter
    render_table(report), render_markdown(report), report.as_dict()

Each project is checked by the charter its `pyproject.toml` pins (the standards it
adopted), not by the charter running the report; projects sharing a pin share one
cached environment (`environments.py`).
"""
