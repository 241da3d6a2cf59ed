"""binder/ pins the stack the kit is tested with, inside the ranges pyproject.toml allows."""

import sys
from pathlib import Path

import pytest

packaging = pytest.importorskip("packaging.requirements")
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def pins():
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    requirements = [packaging.Requirement(line) for line in lines
                    if line.strip() and not line.startswith("#")]
    return {r.name.lower(): r for r in requirements}


def test_every_package_the_lessons_need_is_pinned_exactly_within_the_allowed_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = [packaging.Requirement(text) for text in project["dependencies"]
              + project["optional-dependencies"]["widgets"]
              + project["optional-dependencies"]["lab"] if not text.startswith("flux-widgets")]
    pinned = pins()
    for requirement in needed:
        pin = pinned.get(requirement.name.lower())
        assert pin is not None, f"binder/requirements.txt does not pin {requirement.name}"
        (specifier,) = pin.specifier
        assert specifier.operator == "==", f"{pin} is not an exact pin"
        assert requirement.specifier.contains(specifier.version), \
            f"binder pins {pin}, outside pyproject's {requirement}"


def test_post_build_installs_the_kit_itself():
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps ." in post_build.read_text()
