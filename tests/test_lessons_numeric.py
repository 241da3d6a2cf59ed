"""The lessons give the same results on every CPU: two more runs of every lesson under nbval.

The test command already runs every lesson with nbval in this machine's numeric
environment (pyproject's ``testpaths``). A learner's CPU computes the last bits
of a sum differently (another BLAS kernel, no AVX-512), and training near the
edge of stability amplifies those bits. So every lesson is run twice more,
each time against the same stored outputs:

* in another numeric environment: OpenBLAS's Haswell kernel
  (``OPENBLAS_CORETYPE=Haswell``) and numpy's AVX-512 loops switched off
  (``NPY_DISABLE_CPU_FEATURES=X86_V4``), set for that run only;
* with every network's initial weights nudged by about 1e-12 (an IPython
  startup file of this test wraps ``Form_Network``; the nudge depends only on
  the network's seed, so two networks formed alike stay alike). Every
  conclusion a lesson asserts or prints must survive it.
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbval")
pytest.importorskip("ipywidgets")

ROOT = Path(__file__).resolve().parents[1]
NUDGE = 1e-12

STARTUP = f'''
"""FLUX nudge test: every network's initial weights moved by ~{NUDGE:g}, the same for the same seed."""
import os
import sys

import numpy as np

import flux_widgets
import flux_widgets.network as _network

_form = _network.Form_Network


def Form_Network(*args, **kwargs):
    network = _form(*args, **kwargs)
    rng = np.random.default_rng([20261204, 0 if network.seed is None else network.seed + 1])
    for layer in network.neural_layers:
        layer.weights_matrix += {NUDGE!r} * rng.standard_normal(layer.weights_matrix.shape)
    with open(os.environ["FLUX_NUDGE_LOG"], "a") as log:
        log.write(network.describe() + "\\n")
    return network


for _module in list(sys.modules.values()):
    if getattr(_module, "__name__", "").startswith("flux_widgets") \\
            and getattr(_module, "Form_Network", None) is _form:
        _module.Form_Network = Form_Network
flux_widgets.form_network = Form_Network
'''


def run_lessons(env, tmp_path):
    """nbval over every lesson in a fresh pytest with ``env``; returns (exit code, report)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "-o", "addopts=", "--nbval-cell-timeout=300", str(ROOT / "notebooks")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    lines = [line for line in result.stdout.splitlines()
             if line.startswith(("FAILED", "ERROR")) or " passed" in line or " failed" in line]
    return result.returncode, "\n".join(lines) + ("\n" + result.stdout[-6000:]
                                                  if result.returncode else "")


def other_environment():
    """The other numeric environment, as this machine allows: (env additions, what it is)."""
    import numpy as np
    extra, said = {}, []
    if platform.machine().lower() in ("x86_64", "amd64"):
        extra["OPENBLAS_CORETYPE"] = "Haswell"
        said.append("OpenBLAS's Haswell kernel")
        features = getattr(np._core._multiarray_umath, "__cpu_features__", {})
        if features.get("AVX512F"):
            extra["NPY_DISABLE_CPU_FEATURES"] = "X86_V4"
            said.append("numpy's AVX-512 loops off")
    return extra, " and ".join(said)


def test_every_lesson_gives_its_stored_results_in_another_numeric_environment(tmp_path):
    extra, said = other_environment()
    if not extra:
        pytest.skip("this machine has no other OpenBLAS kernel to switch to (not x86-64)")
    env = {**os.environ, **extra}
    code, report = run_lessons(env, tmp_path)
    assert code == 0, f"the lessons differ with {said}:\n{report}"


def test_every_lesson_holds_with_the_initial_weights_nudged(tmp_path):
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-flux-nudge.py").write_text(STARTUP)
    log = tmp_path / "nudged.txt"
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython"), "FLUX_NUDGE_LOG": str(log)}
    code, report = run_lessons(env, tmp_path)
    assert code == 0, f"a lesson's conclusion changes when the initial weights move by " \
                      f"{NUDGE:g}:\n{report}"
    nudged = log.read_text().splitlines()
    assert len(nudged) > 50, f"the nudge reached only {len(nudged)} networks"
