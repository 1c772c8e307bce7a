"""What a notebook shows and records: headings, paragraphs, tables, figures and key results.

Notebooks call these helpers so that every page looks the same and every text from data is escaped.
Key numbers are recorded with :func:`record` as a display output of a private MIME type; the runner
reads them back from the executed notebook into ``results.json`` (no files written from kernels).
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import math
import os
import re
import sys
from typing import Any

import numpy as np
import pandas as pd

from .. import labels as L

RESULTS_MIME = "application/vnd.kinerja.results+json"
CONTEXT_MIME = "application/vnd.kinerja.context+json"
TABLE_MIME = "application/vnd.kinerja.table+json"
PRIVATE_MIMES = frozenset({RESULTS_MIME, CONTEXT_MIME, TABLE_MIME})
#: shown beside a private payload: front ends (JupyterLab, VS Code) render this empty text instead of a
#: "no renderer for this output" placeholder; the HTML page drops the whole output (run.render)
_QUIET = {"text/plain": ""}

_recorded: dict[str, dict] = {}
#: the results recorded inside :func:`batch` ({key: entry} each, in order), shown as one output when it ends;
#: None outside one
_batched: list[dict] | None = None


def _display(obj: dict, *, raw=True, metadata=None):
    """Show an output in a running IPython kernel; outside one (scripts, doctests) do nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is None:
        return
    display(obj, raw=raw, metadata=metadata)


def _clean(v):
    if v is None:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def record(key: str, value: Any, ci_low: Any = None, ci_high: Any = None, **extra) -> dict:
    """Record one key result of this report (it ends up in ``results.json``).

    >>> record("mean_capaian_pre", 97.25, ci_low=96.1, ci_high=98.4)["value"]
    97.25
    """
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", key):
        raise ValueError(f"result key must be letters, digits, '_', '.' or '-': {key!r}")
    entry = {"value": _clean(value)}
    if ci_low is not None or ci_high is not None:
        entry["ci_low"] = _clean(ci_low)
        entry["ci_high"] = _clean(ci_high)
    entry.update({k: _clean(v) for k, v in extra.items()})
    _recorded[key] = entry
    if _batched is not None:
        _batched.append({key: entry})
    else:
        _display({RESULTS_MIME: {key: entry}, **_QUIET})
    return entry


@contextlib.contextmanager
def batch():
    """Inside the block, :func:`record` gathers its results and shows them as one output when the block
    ends, also when it ends in an error; ``results.json`` gets the same keys, values and order. The output
    holds a list of what each call would have shown alone ({key: entry}): the notebook file sorts the keys
    of a mapping, not the items of a list.

    Every output is a message the kernel sends and the runner receives, decodes and validates against the
    notebook schema: one per result made a quarter of a pemda page's messages. A block inside another
    leaves the showing to the outer one.

    >>> with batch():
    ...     _ = record("a", 1), record("b", 2.5)
    >>> recorded()["b"]
    {'value': 2.5}
    """
    global _batched
    if _batched is not None:
        yield
        return
    _batched = []
    try:
        yield
    finally:
        got, _batched = _batched, None
        if got:
            _display({RESULTS_MIME: got, **_QUIET})


def recorded() -> dict:
    """Results recorded in this process so far (for interactive use)."""
    return dict(_recorded)


def _payloads(nb, mime: str):
    """The payloads of every output of type ``mime`` in an executed notebook, in order."""
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if isinstance(output, dict) else {}
            if mime in data:
                payload = data[mime]
                yield json.loads(payload) if isinstance(payload, str) else payload


def results_from_notebook(nb) -> dict:
    """Collect recorded results from an executed notebook (nbformat node or dict), in the order they were
    recorded: a payload is one {key: entry} or, from :func:`batch`, a list of them."""
    out: dict = {}
    for payload in _payloads(nb, RESULTS_MIME):
        for one in payload if isinstance(payload, list) else [payload]:
            out.update(one)
    return out


def publish(
    name: str,
    df: pd.DataFrame,
    *,
    title: str = "",
    description: str = "",
    main: bool = False,
    sheet: str = "",
) -> None:
    """Hand a tidy table behind a figure or table to the runner, which writes it beside the page
    (open data CSV, XLSX). Values travel unformatted; the page shows nothing for it. ``main=True`` marks
    a report's main tables (LKjIP layout, headers in the report language): they go into its XLSX.
    """
    if not re.fullmatch(r"[a-z0-9_\-]+", name):
        raise ValueError(f"table name must be lower-case letters, digits, '_' or '-': {name!r}")
    d = df.reset_index(drop=True)
    payload = {
        "name": name,
        "title": title,
        "description": description,
        "main": bool(main),
        "sheet": sheet,
        "schema": {c: str(t) for c, t in d.dtypes.items()},
        "columns": [str(c) for c in d.columns],
        "data": json.loads(d.to_json(orient="values", date_format="iso", double_precision=15)),
    }
    _display({TABLE_MIME: payload, **_QUIET})


def tables_from_notebook(nb) -> list[dict]:
    """Tables published with :func:`publish`, in order, as dicts (name, title, columns, schema, data)."""
    return list(_payloads(nb, TABLE_MIME))


def context_from_notebook(nb) -> dict:
    """The report context (title, region, data hash, synthetic flag) a notebook declared with :func:`context`."""
    ctx: dict = {}
    for payload in _payloads(nb, CONTEXT_MIME):
        ctx.update(payload)
    return ctx


def context(*, title: str, dataset=None, lang: str = "en", region: str = "", **extra) -> None:
    """Declare the page's title and data provenance; shows the synthetic-data banner when it applies."""
    ctx = {"title": title, "lang": lang, "region": region, **extra}
    if dataset is not None:
        ctx.update(
            {
                "data_folder": dataset.folder.name,
                "data_hash": dataset.data_hash,
                "data_files": dataset.files,
                "synthetic": bool(dataset.synthetic),
            }
        )
    _display({CONTEXT_MIME: ctx, **_QUIET})
    heading(title, level=1)
    if ctx.get("synthetic"):
        _display(
            {
                "text/html": f'<div class="ka-banner" role="note">{html.escape(L.t("synthetic_banner", lang))}</div>',
                "text/plain": L.t("synthetic_banner", lang),
            }
        )


def slug(text: str) -> str:
    """An id for a heading.

    >>> slug("Capaian by period (2018-2023)")
    'capaian-by-period-2018-2023'
    """
    s = re.sub(r"[^\w\s-]", "", str(text).lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", s).strip("-") or "section"


def heading(text: str, level: int = 2) -> None:
    """A section heading (escaped), with an id for the table of contents."""
    tag = f"h{int(level)}"
    _display(
        {"text/html": f'<{tag} id="{slug(text)}">{html.escape(str(text))}</{tag}>', "text/plain": str(text)}
    )


def para(text: str, *, css: str = "") -> None:
    """One paragraph of generated text (escaped)."""
    cls = f' class="{css}"' if css else ""
    _display({"text/html": f"<p{cls}>{html.escape(str(text))}</p>", "text/plain": str(text)})


def bullets(items) -> None:
    lis = "".join(f"<li>{html.escape(str(i))}</li>" for i in items)
    _display({"text/html": f"<ul>{lis}</ul>", "text/plain": "\n".join(f"- {i}" for i in items)})


#: set (to anything) to check that every laid-out figure draws inside its edges; the test suite sets it
CHECK_FIGURES_ENV = "KINERJA_CHECK_FIGURES"


def check_inside(fig, tolerance_in: float = 0.02) -> None:
    """Raise ValueError when what ``fig`` draws reaches past its edges (a legend wider than the figure, a
    title longer than it, a y label taller than its axes): a laid-out figure is saved uncropped, so that
    part would be cut off; or when a legend lies on an axis label or a tick label. Costs one more pass
    over the figure's text, so :func:`figure` runs it only under ``KINERJA_CHECK_FIGURES``."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    boxes = [fig.get_tightbbox(renderer)]  # inches; counts an axis label only across its axis, so add them:
    for ax in fig.axes:
        for label in (ax.xaxis.label, ax.yaxis.label):
            if ax.get_visible() and label.get_visible() and label.get_text():
                boxes.append(label.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted()))
    box = Bbox.union(boxes)
    width, height = fig.get_size_inches()
    over = {
        "left": -box.x0,
        "bottom": -box.y0,
        "right": box.x1 - width,
        "top": box.y1 - height,
    }
    out = {side: round(v, 2) for side, v in over.items() if v > tolerance_in}
    title = fig.axes[0].get_title(loc="left") if fig.axes else ""
    title = title or fig.get_suptitle()
    if out:
        raise ValueError(
            f"figure {title!r} ({width:.2f} x {height:.2f} in) draws past its edges by "
            + ", ".join(f"{v} in at the {side}" for side, v in out.items())
        )
    # a legend placed outside its axes must not sit on the axis labels or tick labels it shares room with
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not ax.get_visible():
            continue
        legend_box = legend.get_window_extent(renderer)
        texts = [ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]
        for text in texts:
            if (
                text.get_visible()
                and text.get_text()
                and legend_box.overlaps(text.get_window_extent(renderer))
            ):
                raise ValueError(f"figure {title!r}: its legend overlaps the label {text.get_text()!r}")


def png(fig) -> bytes:
    """``fig`` as PNG bytes. A figure with a layout engine (the report's charts: tight layout as it is
    drawn) is saved as laid out; any other figure (an analyst's own) is cropped to what it draws.

    A laid-out figure on its own Agg canvas (not a pyplot figure, whose save settings may differ) is drawn
    once and encoded here: ``savefig`` would first draw it once more with drawing turned off, and
    matplotlib writes RGBA at zlib level 6. An opaque figure is written as RGB at level 3: the same
    pixels, a tenth smaller, in about half the encoding time. Cropping, by contrast, costs a second pass
    over every label."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    laid_out = fig.get_layout_engine() is not None
    canvas = fig.canvas
    if not (laid_out and type(canvas) is FigureCanvasAgg and canvas.manager is None):
        fig.savefig(buf, format="png", bbox_inches=None if laid_out else "tight")
        return buf.getvalue()
    from PIL import Image

    canvas.draw()  # runs the layout engine, then draws
    rgba = np.asarray(canvas.buffer_rgba())
    pixels = rgba[..., :3] if rgba[..., 3].min() == 255 else rgba
    Image.fromarray(pixels).save(buf, format="png", compress_level=3, dpi=(fig.dpi, fig.dpi))
    return buf.getvalue()


def figure(fig, *, reading: str = "", alt: str = "") -> None:
    """Embed a figure as PNG (:func:`png`) inside <figure> with alt text and a one-line reading, then
    close it."""
    data = png(fig)
    if fig.get_layout_engine() is not None and os.environ.get(CHECK_FIGURES_ENV):
        check_inside(fig)
    if "matplotlib.pyplot" in sys.modules:  # a figure an analyst made with pyplot: release it
        sys.modules["matplotlib.pyplot"].close(fig)
    b64 = base64.b64encode(data).decode()
    # a long title is broken over lines (charts.base.fit_width); the alt text reads it as one
    title = " ".join(fig.axes[0].get_title(loc="left").split()) if fig.axes else ""
    alt_text = alt or " ".join(x for x in (title, reading) if x)
    cap = f"<figcaption>{html.escape(reading)}</figcaption>" if reading else ""
    _display(
        {
            "text/html": f'<figure class="ka-figure"><img src="data:image/png;base64,{b64}" '
            f'alt="{html.escape(alt_text, quote=True)}">{cap}</figure>',
            "text/plain": f"[figure] {title}",
        }
    )


def table(
    df: pd.DataFrame,
    *,
    lang: str = "en",
    formats: dict | None = None,
    caption: str = "",
    sortable: bool | None = None,
    max_rows: int = 500,
    band_col: str | None = None,
    sort_keys: dict | None = None,
    group_by: list[str] | None = None,
) -> None:
    """Show a table: numbers formatted for the language, text escaped, long tables sortable.

    ``formats`` maps a column to "pct" (already %), "ratio_pct" (0-1 share shown as %), "rp" (Rupiah
    shown in miliar), "num1", "num2", "num" (as many decimals as the value has, up to 4), "int" or "pp".
    ``sort_keys`` maps a text column to the numbers it sorts by (a sequence as long as ``df``).
    ``group_by`` columns are not repeated on every row: consecutive rows that share them are shown under
    one heading row, and sorting sorts within each group.
    """
    _display(
        {
            "text/html": table_html(
                df,
                lang=lang,
                formats=formats,
                caption=caption,
                sortable=sortable,
                max_rows=max_rows,
                band_col=band_col,
                sort_keys=sort_keys,
                group_by=group_by,
            ),
            "text/plain": df.head(20).to_string(),
        }
    )


def _fmt_cell(v, kind, lang):
    if kind is None:
        if isinstance(v, float):
            return L.fmt_num(v, lang, 2)
        if isinstance(v, (int,)) and not isinstance(v, bool):
            return str(v)
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    if kind == "pct":
        return L.fmt_num(v, lang, 1)
    if kind == "ratio_pct":
        return L.fmt_num(None if pd.isna(v) else v * 100, lang, 1)
    if kind == "rp":
        return L.rp_billion(v, lang, 1)
    if kind == "num1":
        return L.fmt_num(v, lang, 1)
    if kind == "num2":
        return L.fmt_num(v, lang, 2)
    if kind == "num":
        return L.fmt_num(v, lang, decimals_of(v))
    if kind == "int":
        return "–" if pd.isna(v) else f"{int(v):,}".replace(",", "." if lang == "id" else ",")
    if kind == "pp":
        return L.fmt_pp(v, lang, 1)
    raise ValueError(f"unknown format {kind!r}")


def decimals_of(v, most: int = 4) -> int:
    """The fewest decimals (up to ``most``) that show ``v`` exactly, as an office typed it.

    >>> decimals_of(1.016), decimals_of(45.4), decimals_of(12.0), decimals_of(float("nan"))
    (3, 1, 0, 0)
    """
    if v is None or pd.isna(v):
        return 0
    for d in range(most + 1):
        if abs(round(float(v), d) - float(v)) < 1e-9 * max(1.0, abs(float(v))):
            return d
    return most


def _sort_attr(v) -> str:
    if v is None or isinstance(v, bool):
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(f) else f' data-sort="{f!r}"'


def table_html(
    df: pd.DataFrame,
    *,
    lang="en",
    formats=None,
    caption="",
    sortable=None,
    max_rows=500,
    band_col=None,
    sort_keys=None,
    group_by=None,
) -> str:
    formats = formats or {}
    group_by = list(group_by or [])
    sortable = len(df) > 15 if sortable is None else sortable
    d = df.head(max_rows)
    keys = {c: list(v)[: len(d)] for c, v in (sort_keys or {}).items()}
    shown = [c for c in d.columns if c not in group_by]
    cls = "ka-table" + (" ka-sortable" if sortable else "") + (" ka-grouped" if group_by else "")
    parts = [f'<div class="ka-table-wrap"><table class="{cls}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>")
    for col in shown:
        num = formats.get(col) is not None or pd.api.types.is_numeric_dtype(d[col])
        num_cls = ' class="num"' if num else ""
        parts.append(f'<th scope="col"{num_cls}>{html.escape(str(col))}</th>')
    parts.append("</tr></thead>")
    if not group_by:
        parts.append("<tbody>")
    previous: tuple | None = None
    for i, row in enumerate(d.itertuples(index=False)):
        values = dict(zip(d.columns, row))
        if group_by:
            current = tuple(values[c] for c in group_by)
            if current != previous:
                if previous is not None:
                    parts.append("</tbody>")
                parts.append('<tbody class="ka-group">')
                for level, col in enumerate(group_by):
                    if previous is None or current[: level + 1] != previous[: level + 1]:
                        text = "" if pd.isna(values[col]) else str(values[col])
                        parts.append(
                            f'<tr class="ka-group-head ka-group-{level}"><th scope="rowgroup" '
                            f'colspan="{len(shown)}">{html.escape(text)}</th></tr>'
                        )
                previous = current
        parts.append("<tr>")
        for col in shown:
            v = values[col]
            kind = formats.get(col)
            text = _fmt_cell(v, kind, lang)
            if band_col is not None and col == band_col and isinstance(v, str) and v:
                text = L.band_label(v, lang)
            is_num = kind is not None or isinstance(v, (int, float)) and not isinstance(v, bool)
            sort_key = _sort_attr(keys[col][i]) if col in keys else _sort_attr(v) if is_num else ""
            extra = ""
            if band_col is not None and col == band_col:
                extra = f' data-band="{html.escape(str(v))}"'
            cls_attr = ' class="num"' if is_num else ""
            parts.append(f"<td{cls_attr}{sort_key}{extra}>{html.escape(text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    if len(df) > max_rows:
        parts.append(f'<p class="ka-note">{len(df) - max_rows} more rows not shown.</p>')
    return "".join(parts)


def keyfigures(items) -> None:
    """A row of summary boxes: [(value text, label), ...]."""
    e = html.escape
    # inline styles too, so the boxes also read well inside JupyterLab (the page stylesheet refines them)
    box = 'style="display:inline-block;margin:0 .6rem .6rem 0;padding:.4rem .8rem;background:#f4f6f9"'
    inner = "".join(
        f'<div {box}><b style="display:block;font-size:1.3rem">{e(str(v))}</b>'
        f"<span>{e(str(lab))}</span></div>"
        for v, lab in items
    )
    _display(
        {
            "text/html": f'<div class="ka-keyfig">{inner}</div>',
            "text/plain": " | ".join(f"{lab}: {v}" for v, lab in items),
        }
    )
