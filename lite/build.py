"""Build the lessons as a JupyterLite site: JupyterLab and a Python kernel (Pyodide) that run
in the browser, with no server. Everything comes from the npm registry and PyPI at build time.

Run: ``python lite/build.py [--output lite/_output] [--packages-url URL | --offline]`` (needs
npm, and the ``[lite]`` extra: ``pip install -e ".[lite]"``), then serve the folder, e.g.
``python -m http.server -d lite/_output --bind 127.0.0.1 8000``, and open
http://127.0.0.1:8000/lab/index.html; to publish it, copy the folder to any static web server
(GitHub Pages, a university's).

What goes into the site:

* JupyterLab (jupyterlite-core) and the Pyodide kernel (jupyterlite-pyodide-kernel), with
  the widget libraries' JupyterLab extensions, from the wheels installed here;
* Pyodide's core (the CPython interpreter compiled to WebAssembly and its standard
  library): the npm package ``pyodide`` at the version the kernel is made for;
* the Python packages the kernel and the kit need, resolved from their wheels' metadata
  for Pyodide (``sys_platform == "emscripten"``, Python 3.14): the pure-Python ones are
  downloaded from PyPI, at Pyodide's own versions where Pyodide has the package. Every one
  is written into the site's copy of ``pyodide-lock.json`` (with its sha256), so that an
  ``import`` in a notebook loads it, as in a full Pyodide distribution;
* the kit itself (a wheel built from this checkout) and the lessons (``notebooks/``).

What cannot come this way: packages with compiled code (numpy, and pandas, which bqplot
imports) are built for WebAssembly by the Pyodide project and published only in its full
distribution (a CDN, GitHub releases), not on PyPI or npm. By default the site's lock file
points them at that distribution, ``--packages-url`` (Pyodide's CDN for the exact Pyodide
version, :data:`PYODIDE_CDN`, or a school's mirror of it), each with the sha256 Pyodide's own
``pyodide-lock.json`` gives, which the browser checks (subresource integrity) before it runs
a byte: the site a teacher publishes, as every public JupyterLite deployment does. Nothing
else leaves the site (``disablePyPIFallback``). ``--offline`` builds today's self-contained
site instead: those packages stay listed, unshipped, and ``import numpy`` fails in the
browser. ``flux-lite.json`` in the output says what was shipped, what comes from the
packages URL (with its URL and sha256) and, offline, what is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "lite" / "_output"
CACHE = ROOT / "lite" / "_cache"  # downloads, kept between builds (git-ignored)
PINS = ROOT / "binder" / "requirements.txt"  # the tested stack: the same versions here
# what the kernel itself needs (pyodide-kernel's requirements) and what the lessons import
ROOTS = ["micropip", "comm", "ipython", "flux-widgets", "ipywidgets", "bqplot", "ipycytoscape",
         "anywidget"]
KIT = "flux-widgets"
# the JupyterLab and classic-notebook extensions of ipywidgets: the site has the former
# already (built from this environment's), the kernel needs neither
LEFT_OUT = {"jupyterlab-widgets", "widgetsnbextension"}
PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"  # Pyodide's distribution
LITE_SETTINGS = {  # the site's own jupyter-lite.json: no package index but the site's
    "jupyter-lite-schema-version": 0,
    "jupyter-config-data": {"litePluginSettings": {
        "@jupyterlite/pyodide-kernel-extension:kernel": {"disablePyPIFallback": True}}},
}


def pyodide_version() -> str:
    """The Pyodide release the installed jupyterlite-pyodide-kernel is made for."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION
    return PYODIDE_VERSION


def fetch_pyodide_core(version: str, into: Path) -> dict:
    """Unpack the npm package ``pyodide@version`` into ``into``; return its lock file."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"pyodide-{version}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", f"pyodide@{version}", "--pack-destination", str(CACHE),
                        "--silent"], check=True, stdout=subprocess.DEVNULL)
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and "/" not in name and not name.endswith((".map", ".d.ts")):
                (into / name).write_bytes(archive.extractfile(member).read())
    return json.loads((into / "pyodide-lock.json").read_text())


def pyodide_environment(lock: dict) -> dict:
    """Marker values of Pyodide's Python, for evaluating requirements."""
    python = lock["info"]["python"]  # e.g. "3.14.2"
    environment = default_environment()
    environment.update(sys_platform="emscripten", platform_system="Emscripten",
                       platform_machine="wasm32", os_name="posix",
                       implementation_name="cpython", platform_python_implementation="CPython",
                       python_full_version=python,
                       python_version=".".join(python.split(".")[:2]), extra="")
    return environment


def pins() -> dict:
    """``{name: version}`` from binder/requirements.txt (the tested stack)."""
    found = {}
    for line in PINS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[canonicalize_name(name)] = version.strip()
    return found


def download(spec: str, python: str, into: Path) -> Path:
    """A pure-Python wheel of ``spec`` from PyPI (no dependencies), or raise LookupError."""
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--platform", "any", "--python-version", python,
             "--dest", scratch, spec],
            capture_output=True, text=True)
        wheels = list(Path(scratch).glob("*.whl"))
        if result.returncode or len(wheels) != 1 or not wheels[0].name.endswith("-none-any.whl"):
            raise LookupError(f"no pure-Python wheel of {spec} on PyPI")
        target = into / wheels[0].name
        shutil.move(str(wheels[0]), target)
    return target


def requirements_of(wheel: Path, environment: dict) -> list[str]:
    """The names a wheel requires on Pyodide (its METADATA, markers evaluated)."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist()
                        if name.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(metadata).decode())
    names = []
    for line in message.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            names.append(canonicalize_name(requirement.name))
    return names


def top_level_imports(wheel: Path) -> list[str]:
    """The importable top-level names of a wheel: its top-level packages and modules."""
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] + ("/" if "/" in name else "") for name in archive.namelist()}
    imports = set()
    for top in tops:
        name = top.rstrip("/").removesuffix(".py")
        if top.endswith("/") and top.rstrip("/").endswith((".dist-info", ".data")):
            continue
        if (top.endswith("/") or top.endswith(".py")) and name.isidentifier():
            imports.add(name)
    return sorted(imports)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def resolve(lock: dict, kit_wheel: Path, pyodide_dir: Path,
            packages_url: str | None = None) -> tuple[list[str], list[str], list[dict]]:
    """Ship every package the kernel and the kit need that PyPI has as pure Python.

    Packages Pyodide has (its lock file) are taken at Pyodide's version; the others at
    the tested version (binder/requirements.txt) or PyPI's newest. Each shipped wheel
    gets a lock entry, so that importing it in a notebook loads it. A package compiled
    for WebAssembly (in Pyodide's lock only) is, with ``packages_url``, pointed at
    ``packages_url + file_name`` (its sha256 kept: the browser checks it), and its own
    dependencies are shipped; without, it is left missing. Returns the names shipped, the
    names missing and ``[{name, version, url, sha256}]`` of those taken from the URL.
    """
    environment = pyodide_environment(lock)
    python = environment["python_version"]
    packages = lock["packages"]
    by_name = {canonicalize_name(name): name for name in packages}
    tested = pins()
    shipped, missing, seen, remote = [], [], set(), []
    queue = list(map(canonicalize_name, ROOTS))
    wheels = {canonicalize_name(KIT): kit_wheel}
    while queue:
        name = queue.pop(0)
        if name in seen or name in LEFT_OUT:
            continue
        seen.add(name)
        entry = packages.get(by_name.get(name, ""))
        if name in wheels:
            wheel = wheels[name]
        elif entry is not None and not entry["file_name"].endswith("-none-any.whl"):
            if packages_url is None:   # compiled for WebAssembly: not to be had here
                missing.append(f"{entry['name']}=={entry['version']}")
                continue
            entry["file_name"] = packages_url + entry["file_name"]   # the same checksum
            remote.append({"name": entry["name"], "version": entry["version"],
                           "url": entry["file_name"], "sha256": entry["sha256"]})
            queue += [canonicalize_name(d) for d in entry.get("depends", [])]
            continue
        else:
            version = entry["version"] if entry is not None else tested.get(name)
            try:
                wheel = download(f"{name}=={version}" if version else name, python, pyodide_dir)
            except LookupError:
                missing.append(f"{name}=={version}" if version else name)
                continue
        depends = [d for d in requirements_of(wheel, environment) if d not in LEFT_OUT]
        queue += depends + [canonicalize_name(d) for d in (entry or {}).get("depends", [])]
        key = by_name.get(name, name)
        packages[key] = {**(entry or {}), **{
            "name": key, "version": wheel.name.split("-")[1], "file_name": wheel.name,
            "install_dir": "site", "package_type": "package", "sha256": sha256(wheel),
            "imports": (entry or {}).get("imports") or top_level_imports(wheel),
            "depends": sorted({by_name.get(canonicalize_name(d), d)
                               for d in depends + (entry or {}).get("depends", [])}),
            "unvendored_tests": False}}
        by_name[name] = key
        shipped.append(f"{key}=={packages[key]['version']}")
    return shipped, missing, remote


def build(output: Path, packages_url: str | None = PYODIDE_CDN, offline: bool = False) -> dict:
    """Build the site into ``output``; return the report written to ``flux-lite.json``.

    ``packages_url`` (``{version}``: the Pyodide version) is where the site's browser
    takes the packages compiled for WebAssembly; ``offline``: nowhere (see module docs)."""
    version = pyodide_version()
    if offline:
        packages_url = None
    elif not (isinstance(packages_url, str) and packages_url.startswith(("https://",
                                                                         "http://"))):
        raise ValueError(f"the packages URL must start with https:// (or http://), got "
                         f"{packages_url!r}")
    else:
        packages_url = packages_url.format(version=version).rstrip("/") + "/"
    with tempfile.TemporaryDirectory(prefix="flux-lite-") as scratch:
        lite_dir = Path(scratch)
        pyodide_dir = lite_dir / "static" / "pyodide"  # the addon's well-known place
        lock = fetch_pyodide_core(version, pyodide_dir)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--wheel-dir", str(pyodide_dir), str(ROOT)], check=True)
        kit_wheel = next(pyodide_dir.glob("flux_widgets-*.whl"))
        shipped, missing, remote = resolve(lock, kit_wheel, pyodide_dir, packages_url)
        (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock))
        files = lite_dir / "files"
        files.mkdir()
        for lesson in sorted((ROOT / "notebooks").glob("*.ipynb")) + [
                ROOT / "notebooks" / "README.md"]:
            shutil.copy(lesson, files / lesson.name)
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(LITE_SETTINGS, indent=1))
        if output.exists():
            shutil.rmtree(output)
        subprocess.run([sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir",
                        str(lite_dir), "--output-dir", str(output)], check=True,
                       cwd=lite_dir, stdout=subprocess.DEVNULL)
    report = {"pyodide": version, "python": lock["info"]["python"],
              "packages_url": packages_url, "shipped": sorted(shipped),
              "from_packages_url": sorted(remote, key=lambda r: r["name"]),
              "missing": sorted(missing)}
    (output / "flux-lite.json").write_text(json.dumps(report, indent=1))
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"the site's folder ({OUTPUT.relative_to(ROOT)})")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--packages-url", default=PYODIDE_CDN,
                       help="where the browser takes the packages compiled for WebAssembly "
                            "(numpy, pandas): Pyodide's distribution, {version} its version "
                            f"(default {PYODIDE_CDN}), or a mirror of it")
    where.add_argument("--offline", action="store_true",
                       help="take them from nowhere: a site that never leaves its address, "
                            "whose lessons stop at import numpy")
    args = parser.parse_args()
    try:
        report = build(args.output.resolve(), args.packages_url, args.offline)
    except ValueError as error:
        parser.error(str(error))
    print(f"JupyterLite site in {args.output}: Pyodide {report['pyodide']} "
          f"(Python {report['python']}), {len(report['shipped'])} Python packages shipped")
    for package in report["from_packages_url"]:
        print(f"  the browser takes {package['name']} {package['version']} from "
              f"{package['url']} (sha256 {package['sha256']})")
    if report["missing"]:
        print("not to be had from PyPI or npm (compiled for WebAssembly only in Pyodide's "
              "own distribution): " + ", ".join(report["missing"]))


if __name__ == "__main__":
    main()
