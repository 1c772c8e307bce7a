"""Every HTML page shell: executed notebooks as self-contained pages, the index page, and the validation
page that `kinerja validate --html` hands back to the office that sent the data.

Code is removed, figures are already embedded as data URIs, and the page carries a provenance header
(parameters, data source and hash, package version, run time) and a table of contents.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import __version__
from .. import labels as L
from ..files import atomic_write
from ..ingest import validate
from ..paths import TEMPLATES
from ..report.page import PRIVATE_MIMES

_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return (
        (TEMPLATES / "kinerja" / "style.css").read_text(encoding="utf-8"),
        (TEMPLATES / "kinerja" / "page.js").read_text(encoding="utf-8"),
    )


@lru_cache(maxsize=2)
def exporter(show_code: bool = False):
    """One HTMLExporter per process: building it costs more than rendering a page with it."""
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="kinerja", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    # analyst-only markdown (tagged "analyst") stays in the notebook and out of the reviewers' page
    from nbconvert.preprocessors import TagRemovePreprocessor

    trp = TagRemovePreprocessor(
        remove_cell_tags={"analyst", "remove_cell"}, remove_input_tags={"remove_input"}
    )
    exp.register_preprocessor(trp, enabled=True)
    return exp


def toc(body: str, lang: str) -> str:
    """A table of contents built from the page's h2 headings.

    >>> "href=\\"#a-b\\"" in toc('<h2 id="a-b">A b</h2>', "en")
    True
    """
    items = [(m.group(1), m.group(2)) for m in _H2.finditer(body)]
    if not items:
        return ""
    lis = "".join(f'<li><a href="#{hid}">{text}</a></li>' for hid, text in items)
    return f'<nav class="ka-toc" aria-label="{html.escape(L.t("contents", lang))}"><h2>{html.escape(L.t("contents", lang))}</h2><ol>{lis}</ol></nav>'


def _without_private_outputs(nb):
    """A copy of ``nb`` without the outputs that only carry recorded results or the page context."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if not (o.get("data") and set(o["data"]) & PRIVATE_MIMES)]
    return nb


def render_notebook(
    nb, *, report_name: str, parameters: dict, context: dict, run_time: str, show_code: bool = False
) -> str:
    """HTML for one executed notebook (an nbformat node)."""
    lang = context.get("lang") or parameters.get("lang") or "en"
    css, js = _assets()
    if show_code:  # pygments colours for the folded code
        from pygments.formatters import HtmlFormatter

        css += HtmlFormatter(style="default").get_style_defs(".highlight")
    files = context.get("data_files") or {}
    data_source = context.get("data_folder", "")
    if files:
        data_source += " (" + ", ".join(sorted(files)) + ")"
    resources = {
        "ka": {
            "lang": lang,
            "title": context.get("title", report_name),
            "report_name": report_name,
            "parameters": {k: repr(v) if isinstance(v, str) else v for k, v in parameters.items()},
            "data_source": data_source or "–",
            "data_hash": context.get("data_hash", "–"),
            "version": f"kinerja_analysis {__version__}",
            "run_time": run_time,
            "synthetic": bool(context.get("synthetic")),
            "banner": L.t("synthetic_banner", lang),
            "css": css,
            "js": js,
            "footer": (L.t("synthetic_banner", lang) + " · " if context.get("synthetic") else "")
            + f"kinerja_analysis {__version__}",
            "t": {
                k: L.t(k, lang)
                for k in ("parameters", "data_source", "data_hash", "version", "run_time", "code")
            },
        }
    }
    body, _ = exporter(show_code).from_notebook_node(_without_private_outputs(nb), resources=resources)
    return body.replace("<!--KA-TOC-->", toc(body, lang), 1)


#: results.json keys shown as columns of the index page
INDEX_KEYS = (
    "total_cut_share_pct",
    "mean_capaian_pre",
    "mean_capaian_refocusing",
    "mean_capaian_post",
    "did_refocusing_per_10pp",
)
#: results.json keys of the pemda pages (notebook 06) shown as index columns when a report carries them
PEMDA_INDEX_KEYS = ("peer_cut_intensity_pp", "peer_serapan_last_pct", "peer_pi1_gap_last_pp")


def _index_columns(entries: list[dict], lang: str) -> list[tuple[str, str]]:
    """The key-figure columns of an index: the template reports' keys, unless no report carries any of
    them (a set of pemda pages), then the pemda keys that some report carries.

    >>> [k for k, _ in _index_columns([{"results": {"peer_cut_intensity_pp": {"value": 1.0}}}], "en")]
    ['peer_cut_intensity_pp']
    """

    def carried(key):
        return any((e.get("results") or {}).get(key, {}).get("value") is not None for e in entries)

    cols = [(key, L.t(f"index_{key}", lang)) for key in INDEX_KEYS]
    if not any(carried(k) for k in INDEX_KEYS) and any(carried(k) for k in PEMDA_INDEX_KEYS):
        cols = []
    return cols + [(key, L.t(f"index_{key}", lang)) for key in PEMDA_INDEX_KEYS if carried(key)]


def index_page(
    entries: list[dict],
    *,
    title: str,
    lang: str = "en",
    synthetic: bool = False,
    run_time: str = "",
    key_columns: list[tuple[str, str]] | None = None,
) -> str:
    """The index of a report set: one row per report with status, key figures and links.

    ``entries`` are manifest rows (name, title, status, html, executed, duration_s, results, error).
    """
    css, js = _assets()
    if key_columns is None:  # the key figures reviewers compare across reports
        key_columns = _index_columns(entries, lang)
    e = html.escape
    rows = []
    for ent in entries:
        status = ent.get("status", "")
        link = (
            f'<a href="{e(ent["html"])}">{e(ent.get("title") or ent["name"])}</a>'
            if ent.get("html")
            else e(ent.get("title") or ent["name"])
        )
        executed = (
            f' · <a href="{e(ent["executed"])}">{e(L.t("executed_copy", lang))}</a>'
            if ent.get("executed")
            else ""
        )
        cells = [
            f"<td>{link}{executed}</td>",
            f"<td>{e(ent.get('region') or '')}</td>",
            f'<td class="status-{e(status)}">{e(L.t("status_" + status, lang) if ("status_" + status) in L.TEXT else status)}</td>',
        ]
        for key, _label in key_columns:
            val = (ent.get("results") or {}).get(key, {}).get("value")
            val_sort = "" if val is None else f' data-sort="{float(val)!r}"'
            cells.append(
                f'<td class="num"{val_sort}>{e(L.fmt_num(val, lang, 1) if val is not None else "–")}</td>'
            )
        dur = ent.get("duration_s")
        dur_sort = "" if dur is None else f' data-sort="{float(dur)!r}"'
        cells.append(
            f'<td class="num"{dur_sort}>{e(L.fmt_num(dur, lang, 1) if dur is not None else "–")}</td>'
        )
        err = ent.get("error")
        if err:
            cells[0] = cells[0][:-5] + f'<br><small class="status-failed">{e(err[:300])}</small></td>'
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = (
        [L.t("report", lang), L.t("region", lang), L.t("status", lang)]
        + [lab for _, lab in key_columns]
        + [L.t("duration", lang)]
    )
    thead = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    banner = (
        f'<div class="ka-banner ka-banner-top" role="note">{e(L.t("synthetic_banner", lang))}</div>'
        if synthetic
        else ""
    )
    n_failed = sum(1 for x in entries if x.get("status") == "failed")
    summary = e(L.t("index_summary", lang, n=len(entries), failed=n_failed))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{e(title)}</title>'
        f'<style>{css}</style></head><body class="ka-page">{banner}<header class="ka-header">'
        f'<p class="ka-kicker">kinerja_analysis {e(__version__)} · {e(run_time)}</p></header><main class="ka-main">'
        f"<h1>{e(title)}</h1><p>{summary}</p>"
        f'<div class="ka-table-wrap"><table class="ka-table ka-sortable"><thead><tr>{thead}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></main><script>{js}</script></body></html>"
    )


# ---------------------------------------------------------------- the validation page
def issues_html(issues: pd.DataFrame, *, lang: str = "en", max_rows: int = 2000) -> str:
    """The issues as an HTML fragment: a count per rule, then one table per file. Every value is escaped."""
    e = html.escape
    parts = []
    if issues.empty:
        return f'<p class="ok">{e(L.t("vr_none", lang))}</p>'
    s = validate.summary(issues)
    parts.append(
        f'<table class="sum"><thead><tr><th>{e(L.t("vr_severity", lang))}</th><th>{e(L.t("vr_rule", lang))}</th>'
        f'<th class="num">n</th></tr></thead><tbody>'
    )
    for r in s.itertuples():
        parts.append(
            f'<tr class="{e(r.severity)}"><td>{e(L.t("sev_" + r.severity, lang))}</td>'
            f'<td>{e(validate.rule_label(r.rule, lang))} <code>{e(r.rule)}</code></td><td class="num">{r.n}</td></tr>'
        )
    parts.append("</tbody></table>")
    order = {"error": 0, "warning": 1, "info": 2}
    d = issues.assign(_o=issues["severity"].map(order)).sort_values(
        ["file", "_o", "row"], na_position="first", kind="stable"
    )
    cols = [
        ("severity", "vr_severity"),
        ("sheet", "vr_sheet"),
        ("row", "vr_row"),
        ("column", "vr_column"),
        ("value", "vr_found"),
        ("message", "vr_message"),
    ]
    for fname, g in d.groupby("file", sort=False):
        parts.append(
            f'<h2>{e(str(fname))}</h2><table class="iss"><thead><tr>'
            + "".join(f"<th>{e(L.t(k, lang))}</th>" for _, k in cols)
            + "</tr></thead><tbody>"
        )
        for r in g.head(max_rows).itertuples():
            row = "" if pd.isna(r.row) else str(int(r.row))
            parts.append(
                f'<tr class="{e(r.severity)}"><td>{e(L.t("sev_" + r.severity, lang))}</td><td>{e(r.sheet)}</td>'
                f'<td class="num">{row}</td><td>{e(r.column)}</td><td><code>{e(r.value)}</code></td>'
                f'<td>{e(r.message)} <span class="rule">[{e(validate.rule_label(r.rule, lang))}]</span></td></tr>'
            )
        parts.append("</tbody></table>")
        if len(g) > max_rows:
            parts.append(f"<p>{len(g) - max_rows} …</p>")
    return "".join(parts)


_VALIDATION_CSS = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}td.num,th.num{text-align:right}
tr.error td:first-child{background:#fbe3e3;font-weight:600}tr.warning td:first-child{background:#fff3cd}
tr.info td:first-child{background:#e8f0fb}code{font-size:.85rem;word-break:break-all}.rule{color:#666}
.meta{color:#555}.ok{color:#185c2e;font-weight:600}
table.iss{display:block;overflow-x:auto;max-width:100%}table.iss td:nth-child(5){min-width:12rem}
table.iss td:nth-child(6){min-width:16rem}"""


def write_validation_page(
    issues: pd.DataFrame, path: str | Path, *, source: str = "", lang: str = "en"
) -> Path:
    """Write a self-contained HTML validation report (to hand back to the office that sent the data)."""
    e = html.escape
    n_err = int((issues["severity"] == "error").sum())
    n_warn = int((issues["severity"] == "warning").sum())
    title = L.t("vr_title", lang)
    page = (
        f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
        f"<style>{_VALIDATION_CSS}</style></head><body><h1>{e(title)}</h1>"
        f'<p class="meta">{e(L.t("vr_source", lang, source=source))} · kinerja_analysis {e(__version__)} · '
        f"{e(dt.datetime.now().astimezone().isoformat(timespec='seconds'))}</p>"
        f"<p><b>{e(L.t('vr_counts', lang, errors=n_err, warnings=n_warn))}</b></p>"
        f"<p>{e(L.t('vr_explain', lang))}</p>" + issues_html(issues, lang=lang) + "</body></html>"
    )
    return atomic_write(path, page)
