"""The fleet report as a terminal table and as Markdown a platform team can publish."""

from __future__ import annotations

from typing import Any

TOP_CODES = 4


def _rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for p in report["projects"]:
        template = p["template"]
        behind = {True: f"behind ({template['latest']})", False: "current", None: "unknown"}
        by_stage = p["findings"]["by_stage"]
        errors = sum(s["errors"] for s in by_stage.values())
        warnings = sum(s["warnings"] for s in by_stage.values())
        codes = sorted(p["findings"]["by_code"].items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        top = ", ".join(f"{code}x{info['count']}" for code, info in codes[:TOP_CODES])
        if len(codes) > TOP_CODES:
            top += f", +{len(codes) - TOP_CODES}"
        run = p["newest_run"]
        cards = ", ".join(f"{name}: {stage}" for name, stage in p["cards"].items())
        rows.append(
            [
                p["project"],
                template["version"] or "-",
                behind[template["behind"]],
                p["charter"]["version"] or "-",
                "error" if p["error"] else (p["ready_for"] or "-"),
                f"{errors}/{warnings}",
                p["error"] or top or "-",
                f"{run['run_id']} ({run['end_time'][:10]})" if run else "-",
                cards or "-",
            ]
        )
    return rows


HEADERS = [
    "project",
    "template",
    "status",
    "charter",
    "ready for",
    "errors/warnings",
    "findings",
    "newest run",
    "model cards",
]


def render_table(report: dict[str, Any]) -> str:
    rows = [HEADERS, *_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", _summary(report)]) + "\n"


def _summary(report: dict[str, Any]) -> str:
    envs = report["environments"]
    projects = report["projects"]
    releases = report["releases"]
    return (
        f"{len(projects)} project{'s' * (len(projects) != 1)} on "
        f"{len(releases)} release{'s' * (len(releases) != 1)} ({', '.join(releases)}); "
        f"{envs['pins']} charter environment{'s' * (envs['pins'] != 1)} "
        f"({envs['built']} built, {envs['reused']} reused)"
        + (f", {envs['unpinned_projects']} unpinned" if envs["unpinned_projects"] else "")
        + f"; {report['seconds']:.1f} s"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    lines = ["# Fleet report", "", _summary(report) + ".", ""]
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in _rows(report)]
    lines += ["", "## Findings by rule", ""]
    names = [p["project"] for p in report["projects"]]
    codes = sorted({c for p in report["projects"] for c in p["findings"]["by_code"]})
    if not codes:
        lines.append("No project has a finding.")
    else:
        lines += ["| rule | stage | " + " | ".join(map(_cell, names)) + " |"]
        lines += ["|" + "---|" * (len(names) + 2)]
        for code in codes:
            counts = [
                str(p["findings"]["by_code"].get(code, {}).get("count", ""))
                for p in report["projects"]
            ]
            stage = next(
                p["findings"]["by_code"][code]["stage"] or "-"
                for p in report["projects"]
                if code in p["findings"]["by_code"]
            )
            lines.append(f"| {code} | {stage} | " + " | ".join(counts) + " |")
    return "\n".join(lines) + "\n"
