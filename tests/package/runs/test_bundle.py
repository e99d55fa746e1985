"""`charter bundle` and `charter bundle verify`: what a bundle holds, and tampering caught."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from approvals_project import build, make_key
from charter_cli import charter

from charter.bundle import PAYLOAD_TYPE, pae

RUN_FILES = {"run/manifest.json"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    """An approved mini project and its bundle (signed by bob)."""
    base = tmp_path_factory.mktemp("bundle")
    root = base / "project"
    people = build(root, base / "keys")
    for person, stage, role in [
        ("alice", "review", "model_owner"),
        ("alice", "production", "model_owner"),
        ("bob", "production", "product_owner"),
    ]:
        result = charter(
            "approve", "scorer", "--stage", stage, "--role", role, "--key", people[person], cwd=root
        )
        assert result.returncode == 0, result.stderr
    run = next((root / "runs").iterdir()).name
    out = base / "bundle"
    result = charter("bundle", run, "--out", out, "--key", people["bob"], cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"bundle of run {run} written to {out}" in result.stdout
    return root, out, people


@pytest.fixture
def bundle(made, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(made[1], copy)
    return copy


def verify(folder: Path, *extra: str):
    return charter("bundle", "verify", folder, *extra)


def test_bundle_holds_what_a_reviewer_needs(made):
    _, out, _ = made
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "run/manifest.json",
        "contracts/numbers.odcs.yaml",
        "features.yaml",
        "models/scorer/card.md",
        "checklists/ready-for-review.md",
        "checklists/ready-for-production.md",
        "approvals/scorer/review-model_owner-1.yaml",
        "approvals/scorer/review-model_owner-1.yaml.sig",
        "approvals/scorer/production-product_owner-1.yaml.sig",
        "approvers",
        "check.json",
        "index.html",
        "statement.json",
        "statement.dsse.json",
    } <= names
    statement = json.loads((out / "statement.json").read_text())
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    listed = {s["name"] for s in statement["subject"]}
    assert listed == names - {"statement.json", "statement.dsse.json"}
    predicate = statement["predicate"]
    assert len(predicate["uvLockSha256"]) == 64
    assert [a["role"] for a in predicate["approvals"]] == [
        "model_owner",
        "product_owner",
        "model_owner",
    ]
    assert json.loads((out / "check.json").read_text())["stage"] == "production"
    index = (out / "index.html").read_text()
    assert "bob@example.com" in index and "charter bundle verify" in index


def test_a_fresh_bundle_verifies_offline(made):
    result = verify(made[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Bundle verified" in result.stderr


def test_the_signature_is_checked_with_ssh_keygen_too(made, tmp_path: Path):
    """The envelope's signature is an ordinary SSH signature of the DSSE PAE bytes."""
    _, out, _ = made
    envelope = json.loads((out / "statement.dsse.json").read_text())
    (tmp_path / "sig").write_bytes(base64.b64decode(envelope["signatures"][0]["sig"]))
    result = subprocess.run(
        [
            *("ssh-keygen", "-Y", "verify", "-f", out / "approvers", "-I", "bob@example.com"),
            *("-n", "charter-bundle", "-s", tmp_path / "sig"),
        ],
        input=pae(PAYLOAD_TYPE, base64.b64decode(envelope["payload"])),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert envelope["signatures"][0]["keyid"].startswith("SHA256:")


def test_a_changed_file_fails(bundle):
    card = bundle / "models/scorer/card.md"
    card.write_text(card.read_text() + "edited\n")
    result = verify(bundle)
    assert result.returncode == 1
    assert f"{bundle}/models/scorer/card.md: its sha256 differs" in result.stdout


def test_a_removed_file_fails(bundle):
    (bundle / "contracts/numbers.odcs.yaml").unlink()
    result = verify(bundle)
    assert result.returncode == 1
    assert "contracts/numbers.odcs.yaml: listed in the statement but missing" in result.stdout


def test_an_added_file_fails(bundle):
    (bundle / "run/extra-report.json").write_text("{}\n")
    result = verify(bundle)
    assert result.returncode == 1
    assert "run/extra-report.json: not in the statement (added after" in result.stdout


def test_a_broken_envelope_signature_fails(bundle):
    envelope = json.loads((bundle / "statement.dsse.json").read_text())
    sig = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    armored = sig.decode().splitlines()
    body = base64.b64decode("".join(armored[1:-1]))
    body = body[:-1] + bytes([body[-1] ^ 1])  # flip one bit of the signature itself
    broken = "\n".join([armored[0], base64.b64encode(body).decode(), armored[-1]]) + "\n"
    envelope["signatures"][0]["sig"] = base64.b64encode(broken.encode()).decode()
    (bundle / "statement.dsse.json").write_text(json.dumps(envelope))
    result = verify(bundle)
    assert result.returncode == 1
    assert "statement.dsse.json: the signature is not valid" in result.stdout


def test_a_rewritten_statement_fails(bundle):
    """Re-hashing an edited file into statement.json does not help: the envelope signs it."""
    card = bundle / "models/scorer/card.md"
    card.write_text(card.read_text() + "edited\n")
    statement = json.loads((bundle / "statement.json").read_text())
    for subject in statement["subject"]:
        if subject["name"] == "models/scorer/card.md":
            subject["digest"]["sha256"] = hashlib.sha256(card.read_bytes()).hexdigest()
    (bundle / "statement.json").write_text(json.dumps(statement))
    result = verify(bundle)
    assert result.returncode == 1
    assert "statement.json: differs from the statement the envelope signs" in result.stdout


def test_a_broken_approval_signature_fails(bundle):
    folder = bundle / "approvals/scorer"
    shutil.copy(
        folder / "review-model_owner-1.yaml.sig", folder / "production-model_owner-1.yaml.sig"
    )
    result = verify(bundle)
    assert result.returncode == 1
    assert "production-model_owner-1.yaml.sig: its sha256 differs" in result.stdout
    assert "production-model_owner-1.yaml: the signature is not valid" in result.stdout


def test_trusting_an_outside_approvers_file(made, bundle, tmp_path: Path):
    """With --approvers, a bundle signed by a key that file does not list fails."""
    other = tmp_path / "approvers"
    other.write_text(
        "".join(
            line
            for line in (made[0] / "governance/approvers").read_text().splitlines(True)
            if "bob@" not in line
        )
    )
    result = verify(bundle, "--approvers", other)
    assert result.returncode == 1
    assert "statement.dsse.json: signed by a key approvers does not list" in result.stdout


def test_bundle_refuses_an_existing_folder_and_an_unknown_run(made, tmp_path: Path):
    root, out, people = made
    result = charter("bundle", "nope", "--out", tmp_path / "b", "--key", people["bob"], cwd=root)
    assert result.returncode == 2
    assert result.stderr.startswith("charter bundle: no run 'nope' under runs")
    run = next((root / "runs").iterdir()).name
    result = charter("bundle", run, "--out", out, "--key", people["bob"], cwd=root)
    assert result.returncode == 2
    assert "already exists; bundles are never overwritten" in result.stderr


def test_verify_a_folder_that_is_not_a_bundle(tmp_path: Path):
    result = verify(tmp_path)
    assert result.returncode == 1
    assert "statement.dsse.json: not a readable DSSE envelope" in result.stdout
    assert "Traceback" not in result.stderr


def test_bundle_keeps_the_reproduce_verdict(made, tmp_path: Path):
    root, _, people = made
    run = next((root / "runs").iterdir()).name
    out = tmp_path / "with-verdict"
    result = charter("bundle", run, "--out", out, "--key", people["bob"], "--reproduce", cwd=root)
    assert result.returncode == 0, result.stderr
    verdict = (out / "reproduce.txt").read_text()
    assert verdict.startswith("exit 0\n") and "reproduced:" in verdict
    assert verify(out).returncode == 0


def test_a_statement_naming_files_outside_the_bundle(bundle):
    """A forged statement cannot make verify read outside the folder; it names the bad entry."""
    statement = json.loads((bundle / "statement.json").read_text())
    statement["subject"].append(
        {"name": "approvals/../../outside.yaml", "digest": {"sha256": "0" * 64}}
    )
    payload = json.dumps(statement).encode()
    (bundle / "statement.json").write_bytes(payload)
    envelope = json.loads((bundle / "statement.dsse.json").read_text())
    envelope["payload"] = base64.b64encode(payload).decode()
    (bundle / "statement.dsse.json").write_text(json.dumps(envelope))
    (bundle.parent / "outside.yaml").write_text("not the bundle's\n")
    result = verify(bundle)
    assert result.returncode == 1
    assert "statement.dsse.json: the signature is not valid" in result.stdout
    assert "approvals/../../outside.yaml: not a plain relative name" in result.stdout
    assert "outside.yaml: the signature" not in result.stdout


def forge(bundle: Path, statement) -> None:
    """Write `statement` into the bundle as if the envelope signed it (the signature fails)."""
    payload = json.dumps(statement).encode()
    (bundle / "statement.json").write_bytes(payload)
    envelope = json.loads((bundle / "statement.dsse.json").read_text())
    envelope["payload"] = base64.b64encode(payload).decode()
    (bundle / "statement.dsse.json").write_text(json.dumps(envelope))


@pytest.mark.parametrize(
    "subject",
    [
        [{"name": "run/manifest.json", "digest": {}}],
        [{"name": ["run", "manifest.json"], "digest": {"sha256": "0" * 64}}],
        [{"name": 7, "digest": {"sha256": "0" * 64}}],
        [{"name": "run/manifest.json", "digest": {"sha256": 7}}],
        "run/manifest.json",
        7,
    ],
    ids=["no-sha256", "list-name", "number-name", "number-digest", "string", "number"],
)
def test_a_malformed_subject_is_a_finding_not_a_crash(bundle, subject):
    statement = json.loads((bundle / "statement.json").read_text())
    statement["subject"] = subject
    forge(bundle, statement)
    result = verify(bundle)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "statement.json: " in result.stdout
    assert "statement.dsse.json: the signature is not valid" in result.stdout


def test_bundle_refuses_a_key_the_approvers_file_does_not_list(made, tmp_path: Path):
    """A bundle signed by an unlisted key would never verify: refused before anything is written."""
    root, _, _ = made
    stranger = make_key(tmp_path / "keys", "mallory")
    run = next((root / "runs").iterdir()).name
    out = tmp_path / "b"
    result = charter("bundle", run, "--out", out, "--key", stranger, cwd=root)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"charter bundle: the key {stranger} is not listed in ")
    assert "charter-bundle" in result.stderr
    assert not out.exists()


def bundle_of(root: Path, key: Path, out: Path) -> set[str]:
    run = next((root / "runs").iterdir()).name
    result = charter("bundle", run, "--out", out, "--key", key, cwd=root)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_bundle_takes_the_dpia_drift_reports_and_run_records_where_present(made, tmp_path: Path):
    """Files other commands write (the DPIA, `monitor --record`'s reports) go in once they exist."""
    root = tmp_path / "project"
    shutil.copytree(made[0], root, symlinks=True)
    (root / "governance/dpia").mkdir(parents=True)
    (root / "governance/dpia/scorer.md").write_text("# DPIA: scorer\n")
    report = root / "monitoring/scorer/production/2026-12-07/drift.json"
    report.parent.mkdir(parents=True)
    report.write_text('{"psi": {"total": 0.01}}\n')
    (root / "monitoring/other").mkdir()
    (root / "monitoring/other/drift.json").write_text("{}\n")
    run = next((root / "runs").iterdir()).name
    names = bundle_of(root, made[2]["bob"], tmp_path / "b")
    assert "dpia/scorer.md" in names
    assert "monitoring/scorer/production/2026-12-07/drift.json" in names
    assert f"outputs/artifacts/{run}/result.json" in names  # the run's JSON record, as recorded
    assert not any(n.startswith("monitoring/other") for n in names)
    result = verify(tmp_path / "b")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_index_says_what_the_bundle_lacks(made, tmp_path: Path):
    """Absent reports are named on the index, and a record changed since the run is left out."""
    root = tmp_path / "project"
    shutil.copytree(made[0], root, symlinks=True)
    run = next((root / "runs").iterdir()).name
    (root / "artifacts" / run / "result.json").write_text('{"score": 0}\n')
    out = tmp_path / "b"
    names = bundle_of(root, made[2]["bob"], out)
    assert not any(n.startswith(("outputs/", "dpia/", "monitoring/")) for n in names)
    missing = (out / "index.html").read_text().split("<h2>Not in this bundle</h2>")[1]
    assert "the DPIA (governance/dpia/scorer.md)" in missing
    assert "drift reports (monitoring/scorer/)" in missing
    assert f"artifacts/{run}/result.json: changed since the run recorded it" in missing
