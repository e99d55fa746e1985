"""Done-when walk: the default project from a run to production, then every tamper caught.

In a copy of the default generated project: run the pipeline, sync the card
and answer its placeholders, list two approvers (keys made by ssh-keygen now,
outside the project), approve review, write the deployment manifest, approve
production in two roles with two keys, `charter check --stage production`
green, bundle and verify. Then each tamper makes check or verify fail with a
message that names the file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run

pytestmark = pytest.mark.generated

MODEL = "progression_regressor"
CARD = Path(f"governance/models/{MODEL}/card.md")
DEPLOYMENT = Path(f"governance/deployments/{MODEL}/production.yaml")
APPROVALS = Path(f"governance/approvals/{MODEL}")
PEOPLE = {"alice": "model_owner", "bob": "product_owner"}


def charter(root: Path, *args: str | Path, check: bool = True):
    return run("uv", "run", "--frozen", "charter", *args, cwd=root, check=check)


def commit(root: Path, message: str) -> None:
    run("git", "add", "-A", cwd=root)
    run("git", "commit", "--quiet", "--no-verify", "-m", message, cwd=root)


def approvers_line(key: Path, name: str, role: str) -> str:
    kind, base64 = key.with_name(key.name + ".pub").read_text().split()[:2]
    namespaces = 'namespaces="charter-approval,charter-bundle"'
    return f"{name}@example.com,role:{role} {namespaces} {kind} {base64}\n"


@pytest.fixture(scope="module")
def walk(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("production")
    root = base / "project"
    shutil.copytree(generated_project, root, ignore=shutil.ignore_patterns(".venv"), symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=root)
    piped = run("uv", "run", "--locked", "nox", "-s", "pipeline", cwd=root)
    line = next(line for line in piped.stdout.splitlines() if "run recorded in" in line)
    run_id = Path(line.split()[-1]).parent.name
    charter(root, "card", "sync", MODEL, "--run", run_id)
    card = root / CARD
    card.write_text(re.sub(r"TODO\([a-z-]+\):\s*", "", card.read_text()))
    charter(root, "docs")
    commit(root, "Record a run, sync and answer the card")
    keys = {}
    for name in PEOPLE:
        keys[name] = base / "keys" / name
        keys[name].parent.mkdir(exist_ok=True)
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", keys[name]],
            check=True,
        )
    approvers = root / "governance/approvers"
    approvers.write_text(
        approvers.read_text() + "".join(approvers_line(keys[n], n, r) for n, r in PEOPLE.items())
    )
    commit(root, "Approvers")
    steps = {
        "review": charter(
            root,
            "approve",
            MODEL,
            "--stage",
            "review",
            "--role",
            "model_owner",
            "--key",
            keys["alice"],
        )
    }
    steps["deployment"] = charter(root, "new", "deployment", MODEL, "--env", "production")
    for name, role in PEOPLE.items():
        steps[role] = charter(
            root, "approve", MODEL, "--stage", "production", "--role", role, "--key", keys[name]
        )
    charter(root, "docs")
    commit(root, "Approved for production")
    steps["check"] = charter(root, "check", "--stage", "production", check=False)
    bundle = base / "bundle"
    steps["bundle"] = charter(root, "bundle", run_id, "--out", bundle, "--key", keys["bob"])
    steps["verify"] = charter(root, "bundle", "verify", bundle, check=False)
    return {"root": root, "run": run_id, "bundle": bundle, "keys": keys, "steps": steps}


def test_the_default_project_reaches_production(walk):
    steps = walk["steps"]
    assert steps["check"].returncode == 0, steps["check"].stdout + steps["check"].stderr
    assert (
        "Found 0 errors" in steps["check"].stderr or "All checks passed." in steps["check"].stderr
    )
    print(steps["check"].stdout)  # warnings only (the template-version warning of a test clone)
    assert (walk["root"] / DEPLOYMENT).is_file()
    assert sorted(p.name for p in (walk["root"] / APPROVALS).glob("*.yaml")) == [
        "production-model_owner-1.yaml",
        "production-product_owner-1.yaml",
        "review-model_owner-1.yaml",
    ]
    assert steps["verify"].returncode == 0, steps["verify"].stdout + steps["verify"].stderr


def test_the_bundle_holds_what_a_reviewer_needs(walk):
    bundle = walk["bundle"]
    names = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    size = sum((bundle / n).stat().st_size for n in names)
    print(f"bundle: {len(names)} files, {size} bytes: {names}")
    for expected in [
        "run/manifest.json",
        "outputs/data/interim/patients.validated.json",  # the validation record, as recorded
        "dvc.lock",
        "contracts/patients.odcs.yaml",
        "features.yaml",
        f"models/{MODEL}/card.md",
        "checklists/ready-for-production.md",
        f"approvals/{MODEL}/production-product_owner-1.yaml.sig",
        "approvers",
        f"deployments/{MODEL}/production.yaml",
        "check.json",
        "index.html",
        "statement.json",
        "statement.dsse.json",
    ]:
        assert expected in names
    findings = json.loads((bundle / "check.json").read_text())["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    missing = (bundle / "index.html").read_text().split("<h2>Not in this bundle</h2>")[1]
    assert f"the DPIA (governance/dpia/{MODEL}.md)" in missing  # looked for, said absent


def tampered_check(walk, tmp_path: Path, change) -> str:
    root = tmp_path / "project"
    shutil.copytree(walk["root"], root, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=root)  # a copied .venv needs relinking
    change(root)
    result = charter(root, "check", "--stage", "production", "--select", "APR,DEP", check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_an_edited_card_voids_the_approvals(walk, tmp_path):
    def edit(root: Path) -> None:
        (root / CARD).write_text((root / CARD).read_text() + "\nLate edit.\n")

    out = tampered_check(walk, tmp_path, edit)
    assert f"APR005 {CARD.as_posix()} changed after this approval" in out


def test_an_edited_deployment_voids_the_production_approvals(walk, tmp_path):
    def edit(root: Path) -> None:
        path = root / DEPLOYMENT
        path.write_text(path.read_text().replace("weekly", "monthly"))

    out = tampered_check(walk, tmp_path, edit)
    assert f"APR005 {DEPLOYMENT.as_posix()} changed after this approval" in out
    assert f"{DEPLOYMENT.as_posix()}:" in out  # APR008: the deployment lacks its approvals


def test_a_removed_approver_and_a_copied_signature(walk, tmp_path):
    def edit(root: Path) -> None:
        approvers = root / "governance/approvers"
        approvers.write_text(
            "".join(line for line in approvers.read_text().splitlines(True) if "bob@" not in line)
        )
        folder = root / APPROVALS
        shutil.copy(
            folder / "review-model_owner-1.yaml.sig", folder / "production-model_owner-1.yaml.sig"
        )

    out = tampered_check(walk, tmp_path, edit)
    assert f"{APPROVALS.as_posix()}/production-product_owner-1.yaml:" in out
    assert "APR003 signed by a key that governance/approvers does not list" in out
    assert f"{APPROVALS.as_posix()}/production-model_owner-1.yaml:1:1: APR002" in out


def test_a_role_the_signer_does_not_hold(walk, tmp_path):
    def edit(root: Path) -> None:
        approvers = root / "governance/approvers"
        approvers.write_text(approvers.read_text().replace(",role:product_owner", ",role:x"))

    out = tampered_check(walk, tmp_path, edit)
    assert (
        f"{APPROVALS.as_posix()}/production-product_owner-1.yaml:" in out
        and "APR004 bob@example.com does not hold the role 'product_owner'" in out
    ), out


def test_bundle_tampers_fail_verify_naming_the_file(walk, tmp_path):
    cases = {
        "changed": lambda b: (b / "dvc.lock").write_text("stages: {}\n"),
        "removed": lambda b: (b / "check.json").unlink(),
        "added": lambda b: (b / "run" / "note.txt").write_text("added\n"),
        "signature": lambda b: (b / "statement.dsse.json").write_text(
            (b / "statement.dsse.json").read_text().replace('"sig": "', '"sig": "AAAA')
        ),
    }
    named = {
        "changed": "dvc.lock: its sha256 differs",
        "removed": "check.json: listed in the statement but missing",
        "added": "run/note.txt: not in the statement",
        "signature": "statement.dsse.json: ",
    }
    for case, tamper in cases.items():
        bundle = tmp_path / case
        shutil.copytree(walk["bundle"], bundle)
        tamper(bundle)
        result = charter(walk["root"], "bundle", "verify", bundle, check=False)
        assert result.returncode == 1, case
        assert named[case] in result.stdout, (case, result.stdout)
