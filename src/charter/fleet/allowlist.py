"""Which sources `charter fleet` may install code from: the platform team's allow-list.

A surveyed project is someone else's repository: the charter it pins (and,
once fleet runs them, its rule plugins) is code that would run on the
platform team's machine and write the report. So fleet installs a package
only from a source on the allow-list, and a project pinning anything else is
reported "not checked: pins charter from <source>", with nothing of it
installed or run. The default list is the source the running charter itself
came from: the template's repository. `--allow SOURCE` adds one.

A source is where uv would fetch the package: a git repository (without the
revision: every commit of an allowed repository is allowed), a local folder
(as a `file://` URL) or a package index. `requirement_source` works for any
package, so plugins pinned by a project are judged the same way as charter.

A pin whose source or revision starts with `-` (`git = "--upload-pack=..."`,
`charter @ git+--upload-pack=...`, `rev = "-oProxyCommand=..."`) is neither a
URL nor a path, whatever the list says: it is refused before anything is
installed, and so is such a value given to `--allow`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from charter.gitrepo import option_like

DEFAULT_INDEX = "https://pypi.org/simple"
"""Where uv installs a plain `name==version` requirement from (no index configured)."""


def normalise(source: str) -> str:
    """One spelling per source: no `git+`, no `@rev` or `#fragment`, no `.git` or `/` at the end.

    Local paths become `file://` URLs of the resolved folder, and Copier's `gh:`
    and `gl:` shorthands the URLs they stand for.
    """
    text = source.strip()
    for prefix, host in (("gh:", "https://github.com/"), ("gl:", "https://gitlab.com/")):
        if text.startswith(prefix):
            text = host + text[len(prefix) :]
    text = text.removeprefix("git+").split("#", 1)[0]
    parsed = urlparse(text)
    if parsed.scheme in ("", "file") and not parsed.netloc:
        path = _without_rev(unquote(parsed.path) if parsed.scheme else text)
        return Path(os.path.realpath(path)).as_uri().removesuffix(".git")
    path = _without_rev(parsed.path)
    return f"{parsed.scheme}://{parsed.netloc}{path}".rstrip("/").removesuffix(".git")


def _without_rev(path: str) -> str:
    """`/acme/charter.git@v1.0.0` -> `/acme/charter.git` (uv's `URL@rev`)."""
    folder, slash, last = path.rpartition("/")
    return folder + slash + last.split("@", 1)[0]


class UnsafeSourceError(ValueError):
    """A source given to `--allow` that a tool would read as an option."""


def unsafe_part(requirement: str) -> str | None:
    """The URL or revision of `name @ URL[@rev]` that is neither (it starts with `-`), if any."""
    _name, at, url = requirement.partition(" @ ")
    if not at:
        return None
    if option_like(url):
        return url
    # uv reads the revision after an `@` in the path (`git+https://host/repo@v1`); it may hold `/`.
    revisions = urlparse(url.strip().removeprefix("git+")).path.split("@")[1:]
    return next((rev for rev in revisions if rev and option_like(rev)), None)


def requirement_source(requirement: str) -> str:
    """Where uv fetches `name @ URL` (its repository or folder) or `name==X` (the index)."""
    _name, at, url = requirement.partition(" @ ")
    if at:
        return normalise(url)
    return os.environ.get("UV_DEFAULT_INDEX") or os.environ.get("UV_INDEX_URL") or DEFAULT_INDEX


def _direct_url(distribution: str) -> dict | None:
    """The PEP 610 record of how `distribution` was installed (None: from an index)."""
    try:
        text = metadata.distribution(distribution).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        text = None
    try:
        record = json.loads(text) if text else None
    except ValueError:
        record = None
    return record if isinstance(record, dict) and isinstance(record.get("url"), str) else None


def own_source(distribution: str = "charter") -> str:
    """The source the running `distribution` was installed from (PEP 610 `direct_url.json`)."""
    record = _direct_url(distribution)
    return normalise(record["url"]) if record else requirement_source(distribution)


def own_requirement(distribution: str = "charter") -> str | None:
    """A requirement installing the running `distribution` again: its commit, folder or version."""
    record = _direct_url(distribution)
    if record is None:
        try:
            return f"{distribution}=={metadata.version(distribution)}"
        except metadata.PackageNotFoundError:
            return None
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str):
        return f"{distribution} @ git+{record['url']}@{vcs['commit_id']}"
    return f"{distribution} @ {record['url']}"


@dataclass(frozen=True)
class AllowList:
    """The sources fleet installs from; `allows` judges charter and plugins alike."""

    sources: tuple[str, ...]

    @classmethod
    def of(cls, extra: list[str] | tuple[str, ...] = ()) -> AllowList:
        """The running charter's own source, plus the platform team's `extra` sources."""
        for source in extra:
            if option_like(source):
                raise UnsafeSourceError(f"{source[:60]!r} is not a URL, path or package index")
        found = dict.fromkeys([own_source(), *(normalise(s) for s in extra)])
        return cls(tuple(found))

    def allows(self, requirement: str, index: str | None = None) -> bool:
        """`index`: the package index a `name==X` pin comes from, when not uv's default."""
        if unsafe_part(requirement) is not None or (index is not None and option_like(index)):
            return False
        source = normalise(index) if index is not None else requirement_source(requirement)
        return source in self.sources

    def refusal(
        self, requirement: str, package: str = "charter", index: str | None = None
    ) -> str | None:
        """None when allowed, else the report's sentence: nothing of the pin runs."""
        unsafe = unsafe_part(requirement) or (index if index and option_like(index) else None)
        if unsafe is not None:
            return (
                f"not checked: pins {package} from {unsafe[:60]!r}, "
                "which is not a URL, path or revision"
            )
        if self.allows(requirement, index):
            return None
        source = normalise(index) if index is not None else requirement_source(requirement)
        return f"not checked: pins {package} from {source}"
