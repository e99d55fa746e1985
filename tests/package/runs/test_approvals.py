"""APR rules and `charter approve`, with real keys made by ssh-keygen and real tampering."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from approvals_project import build
from charter_cli import charter

from charter.approve import approve
from charter.project import Project
from charter.rules import check

APPROVALS = Path("governance/approvals/scorer")
CARD = Path("governance/models/scorer/card.md")


def sign_off(root: Path, key: Path, stage: str, role: str, *extra: str):
    return charter(
        "approve", "scorer", "--stage", stage, "--role", role, "--key", key, *extra, cwd=root
    )


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """A project approved for review (alice) and production (alice and bob)."""
    base = tmp_path_factory.mktemp("approvals")
    root = base / "project"
    people = build(root, base / "keys")
    for stage, person, role in [
        ("review", "alice", "model_owner"),
        ("production", "alice", "model_owner"),
        ("production", "bob", "product_owner"),
    ]:
        result = sign_off(root, people[person], stage, role, "--conditions", "weekly: drift")
        assert result.returncode == 0, result.stderr
    return root, people


@pytest.fixture
def project(keys, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(keys[0], root, symlinks=True)
    return root


def findings(root: Path, stage: str = "production") -> list[tuple[str, str, str]]:
    return [
        (f.code, f.path.relative_to(root).as_posix(), f.message)
        for f in check(Project.load(root), select=["APR"], stage=stage)
    ]


def codes(root: Path, stage: str = "production") -> list[str]:
    return [code for code, _, _ in findings(root, stage)]


def test_approved_project_is_clean_at_production(keys):
    root, _ = keys
    assert findings(root) == []
    written = sorted(p.name for p in (root / APPROVALS).iterdir())
    assert written == [
        "production-model_owner-1.yaml",
        "production-model_owner-1.yaml.sig",
        "production-product_owner-1.yaml",
        "production-product_owner-1.yaml.sig",
        "review-model_owner-1.yaml",
        "review-model_owner-1.yaml.sig",
    ]


def test_signatures_verify_with_ssh_keygen_too(keys):
    """What charter verifies in Python, `ssh-keygen -Y verify` accepts with the same file."""
    root, _ = keys
    approval = root / APPROVALS / "production-product_owner-1.yaml"
    result = subprocess.run(
        [
            *("ssh-keygen", "-Y", "verify", "-f", root / "governance/approvers"),
            *("-I", "role:product_owner", "-n", "charter-approval", "-s", f"{approval}.sig"),
        ],
        input=approval.read_text(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert 'Good "charter-approval" signature for role:product_owner' in result.stdout


def test_approval_names_its_subject_by_hashes(keys):
    root, _ = keys
    data = yaml.safe_load((root / APPROVALS / "review-model_owner-1.yaml").read_text())
    assert data["approver"] == "alice@example.com"
    assert data["conditions"] == "weekly: drift"
    assert len(data["subject"]["commit"]) == 40
    roles = {f["role"]: f for f in data["subject"]["files"]}
    assert set(roles) == {"manifest", "card", "contract"}
    assert roles["contract"]["version"] == "1.0.0"
    assert roles["card"]["path"] == CARD.as_posix()


@pytest.mark.fails_with("APR006")
def test_required_roles_bind_only_at_production(project):
    shutil.rmtree(project / APPROVALS)
    assert codes(project, "review") == []
    missing = findings(project)
    assert [c for c, _, _ in missing] == ["APR006"] * 3
    assert {p for _, p, _ in missing} == {CARD.as_posix()}
    assert any("production approval by a product_owner" in m for _, _, m in missing)


@pytest.mark.fails_with("APR005")
def test_card_edited_after_approval_voids_it(project):
    card = project / CARD
    card.write_text(card.read_text() + "\nA late edit.\n")
    found = findings(project)
    assert {c for c, _, _ in found} == {"APR005", "APR006"}
    void = [m for c, _, m in found if c == "APR005"]
    assert len(void) == 3
    assert all(m.startswith(f"{CARD.as_posix()} changed after this approval") for m in void)


def test_a_new_run_makes_old_approvals_history(project):
    """An approval of a run the card no longer names is not judged, and does not count."""
    card = project / CARD
    run = card.read_text().split("run_manifest: ")[1].split()[0]
    card.write_text(card.read_text().replace(run, "runs/other/manifest.json"))
    assert set(codes(project)) == {"APR006"}


@pytest.mark.fails_with("APR003")
def test_a_key_not_in_approvers(keys, project):
    """mallory's key is real and signs validly, but the approvers file does not list it."""
    _, people = keys
    body = (project / APPROVALS / "production-product_owner-1.yaml").read_bytes()
    data = yaml.safe_load(body)
    data["approver"] = "mallory@example.com"
    forged = yaml.safe_dump(data, sort_keys=False).encode()
    target = project / APPROVALS / "production-product_owner-1.yaml"
    target.write_bytes(forged)
    signed = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", "charter-approval", "-f", people["mallory"]],
        input=forged,
        capture_output=True,
        check=True,
    )
    Path(f"{target}.sig").write_bytes(signed.stdout)
    found = findings(project)
    assert ("APR003", target.relative_to(project).as_posix()) in [(c, p) for c, p, _ in found]
    assert any("does not list" in m for c, _, m in found if c == "APR003")
    assert "APR006" in {c for c, _, _ in found}  # it does not count


def test_removing_an_approver_voids_their_approvals(project):
    approvers = project / "governance/approvers"
    approvers.write_text(
        "".join(line for line in approvers.read_text().splitlines(True) if "bob@" not in line)
    )
    found = findings(project)
    assert [(c, Path(p).name) for c, p, _ in found if c == "APR003"] == [
        ("APR003", "production-product_owner-1.yaml")
    ]


@pytest.mark.fails_with("APR002")
def test_a_copied_signature(project):
    folder = project / APPROVALS
    copied = folder / "review-model_owner-1.yaml.sig"
    shutil.copy(copied, folder / "production-model_owner-1.yaml.sig")
    found = findings(project)
    assert [(c, Path(p).name) for c, p, _ in found if c == "APR002"] == [
        ("APR002", "production-model_owner-1.yaml")
    ]
    assert "does not match the file's bytes" in next(m for c, _, m in found if c == "APR002")


def test_an_edited_approval_and_a_missing_signature(project):
    folder = project / APPROVALS
    review = folder / "review-model_owner-1.yaml"
    review.write_text(review.read_text().replace("weekly: drift", "none"))
    (folder / "production-model_owner-1.yaml.sig").unlink()
    found = [(c, Path(p).name, m) for c, p, m in findings(project) if c == "APR002"]
    assert [(c, n) for c, n, _ in found] == [
        ("APR002", "production-model_owner-1.yaml"),
        ("APR002", "review-model_owner-1.yaml"),
    ]
    assert "no signature beside it" in found[0][2]


@pytest.mark.fails_with("APR004")
def test_a_role_the_signer_does_not_hold(project):
    approvers = project / "governance/approvers"
    approvers.write_text(approvers.read_text().replace(",role:product_owner", ",role:data_owner"))
    found = findings(project)
    message = next(m for c, _, m in found if c == "APR004")
    assert message == (
        "bob@example.com does not hold the role 'product_owner' in governance/approvers "
        "(roles held: data_owner)"
    )


@pytest.mark.fails_with("APR007")
def test_an_approval_dated_before_the_runs_commit(keys, project):
    _, people = keys
    shutil.rmtree(project / APPROVALS)
    approve(
        Project.load(project),
        "scorer",
        "review",
        "model_owner",
        key=people["alice"],
        now=datetime(2001, 1, 1, tzinfo=UTC),
    )
    found = findings(project, "review")
    assert [c for c, _, _ in found] == ["APR007"]
    assert found[0][2].startswith("approved at 2001-01-01T00:00:00+00:00, before the run's commit")


@pytest.mark.fails_with("APR001")
def test_an_approval_that_does_not_match_its_schema(project):
    review = project / APPROVALS / "review-model_owner-1.yaml"
    review.write_text(review.read_text().replace("stage: review", "stage: staging"))
    found = findings(project, "review")
    assert found[0][0] == "APR001"
    assert "'staging' is not one of" in found[0][2]


@pytest.mark.fails_with("APR009")
def test_an_approvers_line_that_is_not_allowed_signers(project):
    approvers = project / "governance/approvers"
    approvers.write_text(approvers.read_text() + "carol@example.com\n")
    found = findings(project, "review")
    assert [(c, p) for c, p, _ in found] == [("APR009", "governance/approvers")]


def test_approve_refuses_a_key_not_in_approvers(keys, project):
    _, people = keys
    result = sign_off(project, people["mallory"], "review", "model_owner")
    assert result.returncode == 2
    assert result.stderr.startswith("charter approve: the key ")
    assert "is not listed in governance/approvers" in result.stderr
    assert "Traceback" not in result.stderr


def test_approve_refuses_a_role_not_held(keys, project):
    _, people = keys
    result = sign_off(project, people["alice"], "production", "product_owner")
    assert result.returncode == 2
    assert "alice@example.com does not hold the role 'product_owner'" in result.stderr


def test_approve_without_a_key_says_how_to_give_one(project):
    result = charter("approve", "scorer", "--stage", "review", "--role", "model_owner", cwd=project)
    assert result.returncode == 2
    assert "pass --key PATH or set git's user.signingkey" in result.stderr


def test_approve_numbers_a_second_approval(keys, project):
    _, people = keys
    result = sign_off(project, people["alice"], "review", "model_owner")
    assert result.returncode == 0, result.stderr
    assert (project / APPROVALS / "review-model_owner-2.yaml.sig").is_file()
    assert codes(project) == []


DEPLOYMENT = """\
apiVersion: charter/v1
kind: Deployment
model: scorer
environment: prod
approvals:
  stage: production
  roles: [model_owner, product_owner]
"""


@pytest.mark.fails_with("APR008")
def test_a_deployment_needs_approvals_that_name_it(keys, project):
    _, people = keys
    deployment = project / "governance/deployments/scorer/prod.yaml"
    deployment.parent.mkdir(parents=True)
    deployment.write_text(DEPLOYMENT)
    found = findings(project)
    assert [(c, p) for c, p, _ in found] == [
        ("APR008", deployment.relative_to(project).as_posix())
    ] * 2
    assert "no valid production approval by a product_owner names this deployment" in found[1][2]
    for person, role in (("alice", "model_owner"), ("bob", "product_owner")):
        assert sign_off(project, people[person], "production", role).returncode == 0
    assert codes(project) == []
    deployment.write_text(DEPLOYMENT.replace("prod\n", "production\n"))
    assert "governance/deployments/scorer/prod.yaml changed after this approval" in " ".join(
        m for c, _, m in findings(project) if c == "APR005"
    )


HOSTILE = {
    "not a mapping": ("review-model_owner-1.yaml", b"- a list\n"),
    "binary": ("review-model_owner-1.yaml", b"\xff\xfe\x00garbage"),
    "wrong types": (
        "review-model_owner-1.yaml",
        b"apiVersion: charter/v1\nkind: Approval\nmodel: [scorer]\nstage: 3\nrole: {}\n"
        b"approver: null\napprovedAt: yesterday\nsubject: {run: 1, commit: x, files: [1, {}]}\n",
    ),
    "signature garbage": ("review-model_owner-1.yaml.sig", b"-----BEGIN SSH SIGNATURE-----\n!!\n"),
    "signature binary": ("review-model_owner-1.yaml.sig", b"\x00" * 64),
    "approvers binary": ("../../approvers", b"\xff\xfe\x00"),
    "approvers odd key": ("../../approvers", b"eve@example.com,role:x ssh-ed25519 AAAA\n"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_approvals_end_in_findings(project, name):
    file, data = HOSTILE[name]
    (project / APPROVALS / file).write_bytes(data)
    result = charter("check", "--stage", "production", "--select", "APR,PRJ001", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^governance/\S+:\d+:\d+: (APR0\d\d|PRJ001) ", result.stdout, re.M)
