"""One version, written once (``flux_widgets.__version__``, read by pyproject.toml through
hatchling's ``[tool.hatch.version]``), semantic, and with its entry in CHANGELOG.md."""

import re
import sys
from pathlib import Path

import pytest

import flux_widgets

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
SEMVER = r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"


def test_the_version_is_semantic():
    assert re.fullmatch(SEMVER, flux_widgets.__version__), flux_widgets.__version__


def test_pyproject_reads_the_version_from_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"], "the version is written in two places"
    assert "version" in pyproject["project"]["dynamic"]
    path = pyproject["tool"]["hatch"]["version"]["path"]
    assert (ROOT / path).resolve() == Path(flux_widgets.__file__).resolve()
    # hatchling's regex source: one line `__version__ = "..."` in that file
    source = (ROOT / path).read_text(encoding="utf-8")
    found = re.findall(r'^__version__\s*=\s*["\']([^"\']+)["\']', source, re.MULTILINE)
    assert found == [flux_widgets.__version__]


def changelog_versions():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(rf"^## \[({SEMVER})\] - (\d{{4}}-\d\d-\d\d|Unreleased)$", text,
                      re.MULTILINE)


def test_the_changelog_has_an_entry_for_this_version():
    versions = [match[0] for match in changelog_versions()]
    assert flux_widgets.__version__ in versions, \
        f"CHANGELOG.md has no '## [{flux_widgets.__version__}] - …' entry"
    assert versions[0] == flux_widgets.__version__, "the newest entry comes first"


def test_the_changelog_lists_versions_newest_first():
    versions = [tuple(int(part) for part in match[0].split(".")) for match in changelog_versions()]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert (0, 1, 0) in versions
