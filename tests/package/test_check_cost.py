"""A clean `charter check` does only the work a clean project needs.

With every file valid, no finding asks for a line and column, so no document
is located, and jsonschema (which only words errors) is never imported.
The work grows with the project, never faster: a module every feature points
into is parsed once, and the site runs each rule once for both stages.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from checking import copy_good
from templating import git

from charter.constants import STAGES
from charter.project import Project
from charter.rules import RULES, all_rules, check
from charter.views.site import Site

GOOD = Path(__file__).parent / "fixtures" / "check" / "good"

CHECK_IN_PROCESS = """
import sys
from pathlib import Path
from charter.project import Project
from charter.rules import check

project = Project.load(Path(sys.argv[1]))
assert check(project) == [], check(project)
documents = [c.document for c in project.contracts] + [project.catalog.document]
documents += [card.markdown.front_matter for card in project.cards]
print(sum(d.located is not None for d in documents), len(documents))
print("jsonschema" in sys.modules, "jsonschema_rs" in sys.modules)
"""


def test_a_clean_check_locates_nothing_and_leaves_jsonschema_unimported(tmp_path: Path) -> None:
    env = {**os.environ, "CHARTER_NO_CACHE": "1", "CHARTER_TEMPLATE_CHECK_TTL": "-1"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", CHECK_IN_PROCESS, str(GOOD)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    located, imports = result.stdout.splitlines()
    count, total = map(int, located.split())
    assert total >= 3
    assert count == 0
    assert imports == "False True"  # validated by jsonschema-rs, for real (cache off)


PARSES_IN_PROCESS = """
import ast
import sys
from pathlib import Path

parses = []
parse = ast.parse


def counting_parse(source, *args, **kwargs):
    parses.append(source)
    return parse(source, *args, **kwargs)


ast.parse = counting_parse
from charter.project import Project
from charter.rules import check

findings = check(Project.load(Path(sys.argv[1])))
marker = sys.argv[2].encode()
print(sum(marker in (s if isinstance(s, bytes) else s.encode()) for s in parses))
print(" ".join(sorted({f.code for f in findings})))
"""


def test_the_features_module_is_parsed_once_however_many_features_point_into_it(
    tmp_path: Path,
) -> None:
    """FEA006, FEA008 and FEA009 share one parse of the module (quadratic before: minutes).

    The module is parsed once as it is and once as last committed, not once
    per feature and rule: 300 features here, 2,000 in bench/check_speed.py.
    """
    project = copy_good(tmp_path)
    count = 300
    catalog = project / "governance/features/catalog.yaml"
    catalog.write_text(
        catalog.read_text()
        + "".join(
            f"  - name: w{i:03d}\n    version: 1\n    entity: visit\n    joinKeys: [visit_id]\n"
            f'    dtype: float64\n    owner: "@model-owner"\n    status: active\n'
            f"    description: Weight {i}.\n    sources:\n      - contract: visits\n"
            f"        property: weight\n    transform:\n      ref: clinic.features:w{i:03d}\n"
            for i in range(count)
        )
    )
    module = project / "src/clinic/features.py"
    module.write_text(
        module.read_text()
        + "".join(f'\n\ndef w{i:03d}():\n    return pl.col("weight")\n' for i in range(count))
    )
    for args in (("init", "--quiet"), ("add", "-A"), ("commit", "--quiet", "-m", "fixture")):
        git(*args, cwd=project)
    env = {**os.environ, "CHARTER_NO_CACHE": "1", "CHARTER_TEMPLATE_CHECK_TTL": "-1"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-c", PARSES_IN_PROCESS, str(project), f"def w{count - 1:03d}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    parses, codes = result.stdout.splitlines()
    assert int(parses) <= 2, f"{parses} parses of the features module"
    assert not {"FEA006", "FEA008", "FEA009"} & set(codes.split())  # all three ran and passed


def test_the_site_runs_each_rule_once_for_both_stages(tmp_path: Path, monkeypatch) -> None:
    """The readiness pages show this stage and the next: one pass of the rules, not one per stage.

    On the bench's large project a second pass cost seconds of every `nox -s docs`.
    """
    monkeypatch.setenv("CHARTER_TEMPLATE_CHECK_TTL", "-1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: Counter[str] = Counter()

    def counted(code: str, run):
        def counting(project):
            calls[code] += 1
            return run(project)

        return counting

    expected = {stage: check(Project.load(GOOD), stage=stage) for stage in STAGES}
    for code, rule in all_rules().items():
        monkeypatch.setitem(RULES, code, dataclasses.replace(rule, check=counted(code, rule.check)))
    site = Site(Project.load(GOOD))
    assert {stage: site.findings(stage) for stage in STAGES} == expected
    assert calls, "no rule ran"
    assert max(calls.values()) == 1, calls.most_common(3)


SITE_PAGES_IN_PROCESS = """
import sys
from pathlib import Path
from charter.project import Project
from charter.views.site import NAV, Site

site = Site(Project.load(Path(sys.argv[1])))
for _title, make in NAV:
    make(site)
print("polars" in sys.modules)
"""


def test_a_site_built_before_the_pipeline_ran_leaves_polars_unimported(render, tmp_path):
    """CI builds the site with no feature table: importing polars for nothing cost 0.2-0.9 s."""
    project = render()
    env = {**os.environ, "CHARTER_TEMPLATE_CHECK_TTL": "-1", "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", SITE_PAGES_IN_PROCESS, str(project)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
