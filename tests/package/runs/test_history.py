"""`charter runs list|show|compare`: the run history, read from manifests the real `Run` wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from charter_cli import charter
from mini_project import make

from charter.cli import main
from charter.runs import Run, write_text
from charter.runs.history import parse_filter


def record(
    root: Path,
    run_id: str,
    *,
    alpha: float,
    seed: int,
    r2: float,
    model: str = "scorer",
    features: tuple[str, ...] = ("total",),
    data: str = "1\n2\n3\n",
) -> None:
    """One run through the recording API the generated pipeline uses."""
    run = Run(
        root,
        entry_point="mini.pipeline",
        params={"model": {"alpha": alpha}, "scale": 2},
        seeds={"noise": seed},
        run_id=run_id,
    )
    numbers = root / "data" / "numbers.csv"
    numbers.parent.mkdir(exist_ok=True)
    numbers.write_text(data)
    run.record_input("numbers", numbers, rows=data.count("\n"), contract=("numbers", "1.0.0"))
    run.record_features([(name, 1) for name in features])
    run.record_model(model)
    out = root / "artifacts" / run_id / "result.json"
    write_text(out, json.dumps({"r2": r2}))
    run.record_output("result", out)
    run.finish({"r2": r2, "rmse": round(1 - r2, 6)})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seeds of one configuration, another alpha, another model, another input."""
    root = make(tmp_path_factory.mktemp("history") / "mini")
    record(root, "a1-s1", alpha=1, seed=1, r2=0.40)
    record(root, "a1-s2", alpha=1, seed=2, r2=0.42)
    record(root, "a1-s3", alpha=1, seed=3, r2=0.44)
    record(root, "a2-s1", alpha=2, seed=1, r2=0.20)
    record(root, "other-s1", alpha=1, seed=1, r2=0.50, model="other", features=("total", "mean"))
    record(root, "newdata-s1", alpha=1, seed=1, r2=0.30, data="1\n2\n3\n4\n")
    return root


def runs(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["runs", *args, "--project", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def listed(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    code, out, err = runs(project, capsys, "list", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)["runs"]


def test_runs_that_differ_only_by_seed_share_a_row_with_mean_and_std(project, capsys):
    rows = {row["run_id"]: row for row in listed(project, capsys)}
    assert set(rows) == {"a1-s1", "a2-s1", "other-s1", "newdata-s1"}
    group = rows["a1-s1"]
    assert group["grouped"] is True
    assert group["run_ids"] == ["a1-s1", "a1-s2", "a1-s3"]
    assert group["seeds"] == [{"noise": 1}, {"noise": 2}, {"noise": 3}]
    assert group["metrics"]["r2"]["mean"] == pytest.approx(0.42)
    assert group["metrics"]["r2"]["std"] == pytest.approx(0.02)  # sample standard deviation
    assert group["metrics"]["r2"]["n"] == 3
    assert group["params"] == {"model.alpha": 1, "scale": 2}
    # A different model, feature set or input is not "only the seed".
    for single in ("a2-s1", "other-s1", "newdata-s1"):
        assert rows[single]["grouped"] is False
        assert rows[single]["metrics"]["r2"]["std"] is None


def test_list_table_shows_the_group_row_and_the_params_that_vary(project, capsys):
    code, out, _ = runs(project, capsys, "list")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == [
        "run",
        "started",
        "model",
        "commit",
        "seeds",
        "model.alpha",
        "r2",
        "rmse",
    ]
    [group] = [line for line in lines if line.startswith("a1-s1 +2")]
    assert "noise=1,2,3" in group
    assert "0.42 ± 0.02" in group
    assert len(lines) == 4  # six runs, three of them one row
    assert not any(line.startswith(("a1-s2", "a1-s3")) for line in lines)


def test_filter_takes_mlflow_search_syntax(project, capsys):
    rows = listed(project, capsys, "--filter", "metrics.r2 > 0.41 and params.model.alpha = 1")
    ids = {row["run_id"]: row["run_ids"] for row in rows}
    # The group keeps the seeds that pass, and its mean is theirs.
    assert ids == {"a1-s2": ["a1-s2", "a1-s3"], "other-s1": ["other-s1"]}
    group = next(row for row in rows if row["run_id"] == "a1-s2")
    assert group["metrics"]["r2"]["mean"] == pytest.approx(0.43)
    nested = listed(project, capsys, "--filter", "params.model.alpha != 1 AND seeds.noise = 1")
    assert [row["run_id"] for row in nested] == ["a2-s1"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("tags.model = 'other'", {"other-s1"}),
        ("attributes.model != 'other'", {"a1-s1", "a2-s1", "newdata-s1"}),
        ("attributes.run_id LIKE 'a%-s1'", {"a1-s1", "a2-s1"}),
        ("attributes.run_id ILIKE 'NEW%'", {"newdata-s1"}),
        ("attributes.feature = 'mean@1'", {"other-s1"}),
        ("metrics.rmse <= 0.5 and metrics.r2 >= 0.5", {"other-s1"}),
        ("metrics.missing > 0", set()),
    ],
)
def test_filter_on_attributes_tags_and_like(project, capsys, expression, expected):
    assert {row["run_id"] for row in listed(project, capsys, "--filter", expression)} == expected


def test_filter_matches_the_recorded_commit_by_its_mlflow_tag(project, capsys):
    [first] = listed(project, capsys, "--filter", "attributes.run_id = 'a2-s1'")
    commit = first["commit"]
    tagged = listed(project, capsys, "--filter", f"tags.mlflow.source.git.commit = '{commit}'")
    assert len(tagged) == 4
    assert listed(project, capsys, "--filter", "tags.mlflow.source.git.commit = 'abc'") == []


def test_model_option_keeps_the_runs_that_trained_it(project, capsys):
    assert [row["run_id"] for row in listed(project, capsys, "--model", "other")] == ["other-s1"]
    code, out, _ = runs(project, capsys, "list", "--model", "nobody")
    assert (code, out) == (0, "no runs match\n")


def test_sort_by_a_metric_groups_by_their_mean(project, capsys):
    order = [row["run_id"] for row in listed(project, capsys, "--sort", "metrics.r2 DESC")]
    assert order == ["other-s1", "a1-s1", "newdata-s1", "a2-s1"]
    # rmse = 1 - r2: least error first is the r2 order, `-KEY` is descending too
    assert [row["run_id"] for row in listed(project, capsys, "--sort", "metrics.rmse ASC")] == order
    worst = [row["run_id"] for row in listed(project, capsys, "--sort=-metrics.rmse")]
    assert worst == order[::-1]
    by_alpha = [row["run_id"] for row in listed(project, capsys, "--sort", "params.model.alpha")]
    assert by_alpha[-1] == "a2-s1"
    newest = [row["run_id"] for row in listed(project, capsys)]
    assert newest[0] == "newdata-s1"  # by default newest first, as MLflow lists runs


@pytest.mark.parametrize(
    ("expression", "where", "words"),
    [
        ("metrics.r2 > 0.3 or params.scale = 2", 18, "only 'and'"),
        ("metrics.r2 >", 12, "expected an operator"),
        ("metrics.r2 > 0.3 and", 21, "expected a comparison after 'and'"),
        ("colour.r2 > 1", 1, "is not a key"),
        ("metrics.r2 = 'high'", 14, "metrics compare with numbers"),
        ("attributes.owner = 'me'", 1, "is not an attribute"),
        ("metrics.r2 > 1 metrics.rmse < 2", 16, "expected 'and'"),
        ("metrics.r2 > 0.3 and (params.scale = 2)", 22, "parentheses"),
        ("__import__('os').system('touch pwned')", 1, "expected a comparison such as"),
    ],
)
def test_bad_filter_is_one_sentence_naming_the_position(project, capsys, expression, where, words):
    code, out, err = runs(project, capsys, "list", "--filter", expression)
    assert code == 2
    assert out == ""
    assert err.startswith(f"charter runs list: bad --filter at character {where}: ")
    assert words in err
    assert err.count("\n") == 1
    assert not (project / "pwned").exists()  # a filter is read, never run


def test_bad_sort_key_exits_2(project, capsys):
    code, _, err = runs(project, capsys, "list", "--sort", "colour DESC")
    assert code == 2
    assert err.startswith("charter runs list: bad --sort at character 1: ")


def test_show_prints_what_the_run_recorded(project, capsys):
    code, out, _ = runs(project, capsys, "show", "a1-s2")
    assert code == 0
    manifest = json.loads((project / "runs" / "a1-s2" / "manifest.json").read_text())
    assert f"commit       {manifest['code']['commit']}" in out
    assert "  model.alpha = 1" in out
    assert "  noise = 2" in out
    assert "  r2 = 0.42" in out
    assert manifest["inputs"][0]["fingerprint"] in out
    code, out, _ = runs(project, capsys, "show", "a1-s2", "--format", "json")
    assert json.loads(out) == manifest


def test_compare_shows_what_differs_with_deltas(project, capsys):
    code, out, err = runs(project, capsys, "compare", "a1-s1", "a2-s1", "other-s1", "newdata-s1")
    assert code == 0, err
    sections = out.split("\n\n")
    commit = json.loads((project / "runs" / "a1-s1" / "manifest.json").read_text())["code"]
    assert sections[0].splitlines()[1].split()[1] == commit["commit"][:12]
    params = sections[1].splitlines()
    assert params[0].startswith("params that differ")
    assert [line.split()[0] for line in params[1:]] == ["model.alpha"]  # scale, noise: equal
    metrics = sections[2]
    assert "0.2 (-0.2)" in metrics
    assert "0.5 (+0.1)" in metrics
    [inputs] = [s for s in sections if s.startswith("input fingerprint")]
    row = inputs.splitlines()[1].split()
    assert row[0] == "numbers"
    assert row[2:4] == ["same", "same"]
    assert row[4].startswith("blake3:") and row[4] != row[1]  # newdata read other bytes
    [features] = [s for s in sections if s.startswith("features that differ")]
    assert features.splitlines()[1].split() == ["mean@1", "no", "no", "yes", "no"]


def test_compare_json_gives_deltas_fingerprints_and_commits(project, capsys):
    code, out, _ = runs(project, capsys, "compare", "a1-s1", "a1-s3", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["runs"] == ["a1-s1", "a1-s3"]
    assert result["params"] == {"seeds.noise": {"a1-s1": 1, "a1-s3": 3}}
    assert result["metrics"]["r2"]["a1-s3"]["delta"] == pytest.approx(0.04)
    assert result["metrics"]["r2"]["a1-s1"]["delta"] == 0
    prints = result["inputs"]["numbers"]
    assert prints["a1-s1"] == prints["a1-s3"]
    assert prints["a1-s1"].startswith("blake3:")
    assert len(set(result["commits"].values())) == 1
    assert result["features"] == {"total@1": {"a1-s1": True, "a1-s3": True}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "a1-s4"], "charter runs show: no recorded run has the id 'a1-s4'; did you mean "),
        (["compare", "a1-s1", "zzz"], "charter runs compare: no recorded run has the id 'zzz'."),
        (["show", "../runs"], "charter runs show: no recorded run has the id '../runs'."),
    ],
)
def test_unknown_run_is_one_sentence_and_exit_2(project, capsys, args, message):
    code, out, err = runs(project, capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_unknown_run_suggests_the_close_ids(project, capsys):
    _, _, err = runs(project, capsys, "show", "a1-s")
    assert "did you mean a1-s1 or a1-s2 or a1-s3?" in err


def test_compare_needs_two_runs(project, capsys):
    code, _, err = runs(project, capsys, "compare", "a1-s1")
    assert code == 2
    assert err == "charter runs compare: give two or more run ids to compare\n"


def test_an_unreadable_manifest_is_left_out_with_a_warning(project, tmp_path, capsys):
    copy = tmp_path / "mini"
    shutil.copytree(project, copy, symlinks=True)
    broken = copy / "runs" / "a2-s1" / "manifest.json"
    broken.write_text(broken.read_text().replace('"r2"', '"r2": 1, "r2"', 1))  # duplicate key
    code, out, err = runs(copy, capsys, "list", "--format", "json")
    assert code == 0
    assert "a2-s1" not in {row["run_id"] for row in json.loads(out)["runs"]}
    assert err == (
        "warning: 1 run manifest(s) could not be read and are left out (`charter check` says why)\n"
    )


def test_runs_list_in_a_new_process_without_a_traceback(project):
    result = charter("runs", "list", "--filter", "metrics.r2 >>> 1", "--project", project)
    assert result.returncode == 2
    assert "bad --filter at character" in result.stderr
    assert "Traceback" not in result.stderr
    listed_ = charter("runs", "list", "--project", project)
    assert listed_.returncode == 0, listed_.stderr
    assert "a1-s1 +2" in listed_.stdout


def test_show_of_an_unreadable_manifest_says_where_it_breaks(project, tmp_path, capsys):
    copy = tmp_path / "mini"
    shutil.copytree(project, copy, symlinks=True)
    broken = copy / "runs" / "a2-s1" / "manifest.json"
    broken.write_text(broken.read_text().replace('"r2"', '"r2": 1, "r2"', 1))
    code, out, err = runs(copy, capsys, "compare", "a1-s1", "a2-s1")
    assert code == 2
    assert out == ""
    assert err.startswith("charter runs compare: the manifest of run 'a2-s1' cannot be read: ")
    assert "a2-s1/manifest.json:" in err
    assert "duplicate key 'r2'" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("expression", "parsed"),
    [
        ("metrics.`val loss` < 0.5", [("metrics", "val loss", "<", 0.5)]),
        ("params.`model.alpha` = 1", [("params", "model.alpha", "=", 1)]),
        ("param.name = 'it''s'", [("params", "name", "=", "it's")]),
        ("tags.mlflow.runName LIKE 'a%'", [("attributes", "run_name", "LIKE", "a%")]),
        (
            "metric.r2 >= -1e-3 AND run.dirty = 'false'",
            [
                ("metrics", "r2", ">=", -0.001),
                ("attributes", "dirty", "=", "false"),
            ],
        ),
        ("", []),
    ],
)
def test_filter_keys_follow_mlflow_quoting_and_aliases(expression, parsed):
    assert [(c.kind, c.key, c.op, c.value) for c in parse_filter(expression)] == parsed
