"""The warm-kernel engine: its outputs equal fresh-kernel outputs, and nothing leaks between reports."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from page_text import normalise

from kinerja_analysis.run import runner
from kinerja_analysis.run.execute import Job

pytestmark = pytest.mark.slow

POLLUTER = """\
import os, sys, json as J, tabnanny
import matplotlib as mpl, matplotlib.pyplot as plt, pandas as pd
import kinerja_analysis.labels as L
LEAK = 42
mpl.rcParams["lines.linewidth"] = 7.5
plt.style.use("ggplot")
mpl.rcParams["font.size"] = 3
plt.figure(); plt.figure()
pd.set_option("display.max_rows", 3)
L.t = lambda *a, **k: "patched"
os.environ["KA_LEAK"] = "1"
sys.path.append("/leak")
os.chdir("/")
"""

PROBE = """\
import os, sys, json
import matplotlib as mpl, matplotlib.pyplot as plt, pandas as pd
import kinerja_analysis.labels as L
state = {
    "globals": sorted(k for k in globals() if not k.startswith("_") and k not in ("In", "Out", "exit", "quit", "get_ipython", "open")),
    "modules": sorted(m for m in ("tabnanny",) if m in sys.modules),
    "linewidth": mpl.rcParams["lines.linewidth"], "font.size": mpl.rcParams["font.size"],
    "axes.facecolor": mpl.rcParams["axes.facecolor"], "figures": plt.get_fignums(),
    "new_figure": plt.figure().number, "max_rows": pd.get_option("display.max_rows"),
    "label": L.t("cut_share", "en"), "env": os.environ.get("KA_LEAK"), "path": "/leak" in sys.path,
    "cwd": os.getcwd(), "tqdm": os.environ.get("TQDM_DISABLE"), "backend": mpl.get_backend(),
}
from tqdm import tqdm
for _ in tqdm(range(3)):
    pass
print(json.dumps(state, sort_keys=True))
"""


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("tag = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(source),
    ]
    nbformat.write(nb, path)
    return str(path)


def _state(out_dir, name):
    nb = nbformat.read(out_dir / "executed" / f"{name}.ipynb", as_version=4)
    streams = [o for o in nb.cells[-1].outputs if o.get("output_type") == "stream"]
    assert [o["name"] for o in streams] == ["stdout"], streams  # no progress bar on stderr
    return json.loads(streams[0]["text"])


def test_no_state_leaks_between_reports(tmp_path):
    probe, polluter = (
        _notebook(tmp_path / "probe.ipynb", PROBE),
        _notebook(tmp_path / "polluter.ipynb", POLLUTER),
    )
    control = _notebook(tmp_path / "control.ipynb", POLLUTER + PROBE)  # pollution the probe must see
    jobs = [Job("probe-1", probe), Job("polluter", polluter), Job("probe-2", probe), Job("control", control)]
    cwd = os.getcwd()
    warm = runner.run(jobs, tmp_path / "warm", n_jobs=1, engine="warm")
    assert [e["status"] for e in warm["reports"]] == ["ok"] * 4, [e["error"] for e in warm["reports"]]
    fresh = runner.run([Job("probe-1", probe)], tmp_path / "fresh", n_jobs=1, engine="fresh")
    assert fresh["reports"][0]["status"] == "ok"
    assert os.getcwd() == cwd  # the runner never changes its own working directory
    before, after, ref = (
        _state(tmp_path / "warm", "probe-1"),
        _state(tmp_path / "warm", "probe-2"),
        _state(tmp_path / "fresh", "probe-1"),
    )
    assert after == before == ref
    # the probe sees every kind of pollution when it happens in its own kernel (so this test can fail)
    polluted = _state(tmp_path / "warm", "control")
    assert {k for k in ref if ref[k] != polluted[k]} == {
        "globals",
        "modules",
        "linewidth",
        "font.size",
        "axes.facecolor",
        "figures",
        "new_figure",
        "max_rows",
        "label",
        "env",
        "path",
        "cwd",
    }
    assert ref["globals"] == ["L", "json", "mpl", "os", "pd", "plt", "sys", "tag"]
    assert ref["figures"] == [] and ref["new_figure"] == 1 and ref["modules"] == []
    assert ref["linewidth"] == 1.5 and ref["label"] != "patched" and ref["env"] is None and ref["tqdm"] == "1"
    assert ref["cwd"] == cwd and ref["backend"].lower() == "agg"


def test_warm_report_equals_fresh_report(tmp_path, demo_dir):
    params = {"data_dir": str(demo_dir), "region": "99.02"}
    pages = {}
    for engine in ("fresh", "warm"):
        m = runner.run(
            [Job("r", "04_region_report", dict(params))], tmp_path / engine, n_jobs=1, engine=engine
        )
        assert m["reports"][0]["status"] == "ok", m["reports"][0]["error"]
        assert m["reports"][0]["engine"] == engine
        pages[engine] = (
            normalise((tmp_path / engine / "r.html").read_text()),
            json.loads((tmp_path / engine / "results.json").read_text()),
            {p.name: p.read_bytes() for p in (tmp_path / engine / "open-data" / "r").glob("*.csv")},
        )
    assert pages["warm"][0] == pages["fresh"][0]
    assert pages["warm"][1] == pages["fresh"][1] and pages["warm"][1]["reports"]["r"]
    assert pages["warm"][2] == pages["fresh"][2] and pages["warm"][2]
