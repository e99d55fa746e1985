"""`charter.changelog`: the Standards entries of the releases an update crosses."""

from __future__ import annotations

from pathlib import Path

from charter.changelog import standards_by_release, standards_crossed, summary, version_key

REPO_CHANGELOG = Path(__file__).resolve().parents[2] / "CHANGELOG.md"

TEXT = """# Changelog

## [Unreleased]

### Standards

- Coming next.

## [2.0.0] - 2026-12-02

### Fixed

- Not a standard.

### Standards

- Two.

## [1.0.0] - 2026-12-01

### Standards

- One,
  continued.
"""


def test_versions_compare_as_numbers():
    assert version_key("v1.10.0") > version_key("1.9.0")
    assert version_key("v1.0") == version_key("1.0.0")
    assert version_key("Unreleased") is None


def test_only_the_standards_sections_count():
    assert standards_by_release(TEXT) == {
        "unreleased": ["Coming next."],
        "2.0.0": ["Two."],
        "1.0.0": ["One, continued."],
    }


def test_crossed_releases_are_after_old_up_to_new():
    assert standards_crossed(TEXT, "v1.0.0", "v2.0.0") == [("2.0.0", ["Two."])]
    assert standards_crossed(TEXT, "0.9.0", "2.0.0") == [
        ("1.0.0", ["One, continued."]),
        ("2.0.0", ["Two."]),
    ]


def test_unreleased_entries_belong_to_a_release_without_a_heading():
    assert standards_crossed(TEXT, "2.0.0", "v2.1.0") == [("2.1.0", ["Coming next."])]
    assert standards_crossed(TEXT, "1.0.0", "2.0.0") == [("2.0.0", ["Two."])]


def test_summary_lines_are_cut_at_a_word_with_the_count_of_what_was_cut():
    entry = "PRJ010: set the readiness stage in pyproject.toml before the review"
    [line] = summary([("1.0.0", [entry])], width=40)
    assert line == "1.0.0: PRJ010: set ... (8 more words)"
    assert len(line) <= 40


def test_one_overlong_word_is_cut_by_characters_with_the_count():
    [line] = summary([("1.0.0", ["x" * 200])], width=40)
    assert line == "1.0.0: " + "x" * 8 + "... (192 more characters)"
    assert len(line) <= 40


def test_a_line_that_fits_is_not_cut():
    assert summary([("1.0.0", ["short entry"])], width=40) == ["1.0.0: short entry"]


def test_the_repository_changelog_has_standards_for_its_first_release():
    crossed = standards_crossed(REPO_CHANGELOG.read_text("utf-8"), "0.0.0", "0.1.0")
    assert [name for name, _ in crossed] == ["0.1.0"]
    assert any("check-merge-conflict" in entry for entry in crossed[0][1])
