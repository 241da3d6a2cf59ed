"""What an installed kit must hold beside its code, wherever it was imported from: every
dataset file a record names, the data's provenance and licences, the front end's script,
and the lessons; and the installed metadata's version is the package's.

In the checkout these read the repository; ``.ci/run`` runs them again from a folder
outside the repository against the built wheel installed in a fresh environment
(``FLUX_EXPECT_WHEEL=1``), where ``flux_widgets`` must come from site-packages and every
such file must be listed in the wheel's RECORD, not merely lie on this disk.
"""

import importlib.metadata
import json
import os
import sysconfig
from pathlib import Path

import pytest

import flux_widgets
from flux_widgets.datasets import DATA_DIR, DATASETS
from flux_widgets.lessons import copy_lessons, lesson_files, lessons_folder

PACKAGE = Path(flux_widgets.__file__).resolve().parent
CHAPTERS = [f"{number:02d}_" for number in range(1, 14)]


def bundled_files():
    """Every file the code reads from inside the package, relative to the package."""
    files = {f"data/{name}" for record in DATASETS.values() for name in record.files}
    return sorted(files | {"data/README.md", "widgets/frontend.js"})


def installed_distribution():
    """The installed flux-widgets that provides the imported package, and how:
    ("wheel", dist) when its RECORD lists the imported __init__.py, ("editable", dist)
    when it is an editable install of this checkout, else (None, dist or None)."""
    try:
        dist = importlib.metadata.distribution("flux-widgets")
    except importlib.metadata.PackageNotFoundError:
        return None, None
    for file in dist.files or ():
        if str(file) == "flux_widgets/__init__.py":
            if Path(dist.locate_file(file)).resolve() == PACKAGE / "__init__.py":
                return "wheel", dist
    direct_url = dist.read_text("direct_url.json")
    if direct_url:
        info = json.loads(direct_url)
        if (info.get("dir_info", {}).get("editable")
                and info.get("url") == PACKAGE.parent.as_uri()):
            return "editable", dist
    return None, dist


def test_every_file_the_code_reads_is_there():
    for name in bundled_files():
        assert (PACKAGE / name).is_file(), f"{name} is missing beside the installed code"
    assert DATA_DIR == PACKAGE / "data"


def test_every_dataset_loads():
    from flux_widgets.datasets import load_dataset
    for name in DATASETS:
        assert load_dataset(name).sample_count > 0, name


def test_the_lessons_are_found_and_copied_out(tmp_path):
    names = [path.name for path in lesson_files()]
    for prefix in CHAPTERS:
        assert any(name.startswith(prefix) and name.endswith(".ipynb") for name in names), \
            f"no chapter {prefix}… among the lessons in {lessons_folder()}"
    assert "instructor.ipynb" in names and "README.md" in names
    copied, kept = copy_lessons(tmp_path / "lessons")
    assert [path.name for path in copied] == names and kept == []
    (tmp_path / "lessons" / names[0]).write_text("a learner's work")
    copied, kept = copy_lessons(tmp_path / "lessons")
    assert copied == [] and len(kept) == len(names)
    assert (tmp_path / "lessons" / names[0]).read_text() == "a learner's work"


def test_the_installed_version_is_the_packages():
    how, dist = installed_distribution()
    if how is None:
        pytest.skip("the installed flux-widgets (if any) is not the one imported here "
                    "(e.g. an editable install of another checkout)")
    assert dist.version == flux_widgets.__version__


@pytest.mark.skipif(os.environ.get("FLUX_EXPECT_WHEEL") != "1",
                    reason="only against an installed wheel (.ci/run sets FLUX_EXPECT_WHEEL=1)")
def test_the_wheel_is_what_was_imported_and_its_record_holds_every_file():
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert PACKAGE.parent == site_packages, \
        f"flux_widgets was imported from {PACKAGE}, not from {site_packages}"
    how, dist = installed_distribution()
    assert how == "wheel", "flux-widgets is not installed from a wheel here"
    record = {str(file) for file in dist.files}
    for name in bundled_files():
        assert f"flux_widgets/{name}" in record, f"the wheel lacks flux_widgets/{name}"
    lessons = [name for name in record if name.startswith("flux_widgets/notebooks/")]
    assert "flux_widgets/notebooks/01_getting_started.ipynb" in lessons
    assert lessons_folder() == PACKAGE / "notebooks"
