"""Shared pieces of bench_report.py and bench_batch.py: the floor/naive baselines and a big synthetic folder."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

FLOOR_SOURCE = "import pandas as pd\nimport matplotlib\nimport matplotlib.pyplot as plt\n"


def floor_notebook(folder: Path) -> Path:
    """A notebook that only imports pandas and matplotlib (the floor of any report)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _floor_one(args):
    """Floor: one papermill execution (fresh kernel, lean settings) and one HTML export (reused exporter)."""
    src, out = args
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from kinerja_analysis.run.kernels import IPCKernelManager

    os.environ.setdefault("MPLBACKEND", "Agg")
    papermill.execute_notebook(
        str(src),
        str(out),
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
        shutdown_kernel="immediate",
        kernel_manager_class=IPCKernelManager,
    )
    global _EXP
    try:
        exp = _EXP
    except NameError:
        exp = _EXP = HTMLExporter()
    exp.from_notebook_node(nbformat.read(out, as_version=4))
    return 1


def _naive_one(args):
    """Naive: papermill.execute_notebook with default settings, then a fresh nbconvert export."""
    src, out, params = args
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    os.environ.setdefault("MPLBACKEND", "Agg")
    papermill.execute_notebook(str(src), str(out), parameters=params)
    HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
    return 1


def in_pool(fn, items, n: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
        list(pool.map(fn, items))
    return time.perf_counter() - t0


def floor_time(n_reports: int, n_workers: int) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-floor-"))
    src = floor_notebook(tmp)
    return in_pool(_floor_one, [(src, tmp / f"o{i}.ipynb") for i in range(n_reports)], n_workers)


def naive_time(jobs, n_workers: int) -> float:
    from kinerja_analysis.run.notebooks import notebook_path

    tmp = Path(tempfile.mkdtemp(prefix="kinerja-naive-"))
    items = [(notebook_path(j.notebook), tmp / f"{i}.ipynb", j.parameters) for i, j in enumerate(jobs)]
    return in_pool(_naive_one, items, n_workers)


def big_folder(n_regions: int = 48, dest: Path | None = None) -> Path:
    """A synthetic data folder with ``n_regions`` regions: demo data of several seeds, region codes re-coded
    to other (fictitious) provinces, concatenated. demo.py's committed output is not touched."""
    import pandas as pd

    from kinerja_analysis.ingest import demo

    dest = dest or Path(tempfile.mkdtemp(prefix="kinerja-big-"))
    parts: dict[str, list] = {}
    k = 0
    while sum(len(df) for df in parts.get("regions.csv", [])) < n_regions:
        src = Path(tempfile.mkdtemp(prefix="kinerja-seed-"))
        demo.write(src, seed=1000 + k)
        prov = 91 - k  # 99 is the demo's province; use 91, 90, ... so that codes stay fictitious and unique
        for f in ("regions.csv", "kinerja.csv", "anggaran.csv", "opd_crosswalk.csv"):
            if not (src / f).exists():
                continue
            df = pd.read_csv(src / f, dtype=str, keep_default_na=False)
            df["kode_wilayah"] = df["kode_wilayah"].str.replace(r"^99\.", f"{prov}.", regex=True)
            if "kode_bps" in df:
                df["kode_bps"] = df["kode_bps"].str.replace(r"^99", str(prov), regex=True)
            if "kode_provinsi" in df:
                df["kode_provinsi"] = str(prov)
            parts.setdefault(f, []).append(df)
        k += 1
    regions = pd.concat(parts["regions.csv"]).head(n_regions)
    keep = set(regions["kode_wilayah"])
    for f, dfs in parts.items():
        df = pd.concat(dfs)
        df = df[df["kode_wilayah"].isin(keep)]
        df.to_csv(dest / f, index=False)
    if (src / "README.md").exists():  # the README marks the folder as synthetic, like the demo folder
        (dest / "README.md").write_text((src / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    return dest
