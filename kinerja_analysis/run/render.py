"""Turn executed notebooks into self-contained HTML pages, and write the index page.

Code is removed, figures are already embedded as data URIs, and the page carries a provenance header
(parameters, data source and hash, package version, run time) and a table of contents.
"""
from __future__ import annotations

import copy
import html
import re
from functools import lru_cache

from .. import __version__
from .. import labels as L
from ..paths import TEMPLATES
from ..report.page import PRIVATE_MIMES

_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return ((TEMPLATES / "kinerja" / "style.css").read_text(encoding="utf-8"),
            (TEMPLATES / "kinerja" / "page.js").read_text(encoding="utf-8"))


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
    trp = TagRemovePreprocessor(remove_cell_tags={"analyst", "remove_cell"}, remove_input_tags={"remove_input"})
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


def render_notebook(nb, *, report_name: str, parameters: dict, context: dict, run_time: str,
                    show_code: bool = False) -> str:
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
    resources = {"ka": {
        "lang": lang, "title": context.get("title", report_name), "report_name": report_name,
        "parameters": {k: repr(v) if isinstance(v, str) else v for k, v in parameters.items()},
        "data_source": data_source or "–", "data_hash": context.get("data_hash", "–"),
        "version": f"kinerja_analysis {__version__}", "run_time": run_time,
        "synthetic": bool(context.get("synthetic")), "banner": L.t("synthetic_banner", lang),
        "css": css, "js": js,
        "footer": (L.t("synthetic_banner", lang) + " · " if context.get("synthetic") else "") + f"kinerja_analysis {__version__}",
        "t": {k: L.t(k, lang) for k in ("parameters", "data_source", "data_hash", "version", "run_time", "code")},
    }}
    body, _ = exporter(show_code).from_notebook_node(_without_private_outputs(nb), resources=resources)
    return body.replace("<!--KA-TOC-->", toc(body, lang), 1)


#: results.json keys shown as columns of the index page
INDEX_KEYS = ("total_cut_share_pct", "mean_capaian_pre", "mean_capaian_refocusing", "mean_capaian_post",
              "did_refocusing_per_10pp")


def index_page(entries: list[dict], *, title: str, lang: str = "en", synthetic: bool = False, run_time: str = "",
               key_columns: list[tuple[str, str]] | None = None) -> str:
    """The index of a report set: one row per report with status, key figures and links.

    ``entries`` are manifest rows (name, title, status, html, executed, duration_s, results, error).
    """
    css, js = _assets()
    if key_columns is None:  # the key figures reviewers compare across reports
        key_columns = [(key, L.t(f"index_{key}", lang)) for key in INDEX_KEYS]
    e = html.escape
    rows = []
    for ent in entries:
        status = ent.get("status", "")
        link = f'<a href="{e(ent["html"])}">{e(ent.get("title") or ent["name"])}</a>' if ent.get("html") else e(ent.get("title") or ent["name"])
        executed = f' · <a href="{e(ent["executed"])}">{e(L.t("executed_copy", lang))}</a>' if ent.get("executed") else ""
        cells = [f"<td>{link}{executed}</td>", f"<td>{e(ent.get('region') or '')}</td>",
                 f'<td class="status-{e(status)}">{e(L.t("status_" + status, lang) if ("status_" + status) in L.TEXT else status)}</td>']
        for key, _label in key_columns:
            val = (ent.get("results") or {}).get(key, {}).get("value")
            val_sort = "" if val is None else f' data-sort="{float(val)!r}"'
            cells.append(f'<td class="num"{val_sort}>{e(L.fmt_num(val, lang, 1) if val is not None else "–")}</td>')
        dur = ent.get("duration_s")
        dur_sort = "" if dur is None else f' data-sort="{float(dur)!r}"'
        cells.append(f'<td class="num"{dur_sort}>{e(L.fmt_num(dur, lang, 1) if dur is not None else "–")}</td>')
        err = ent.get("error")
        if err:
            cells[0] = cells[0][:-5] + f'<br><small class="status-failed">{e(err[:300])}</small></td>'
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = [L.t("report", lang), L.t("region", lang), L.t("status", lang)] + [lab for _, lab in key_columns] + [L.t("duration", lang)]
    thead = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    banner = f'<div class="ka-banner ka-banner-top" role="note">{e(L.t("synthetic_banner", lang))}</div>' if synthetic else ""
    n_failed = sum(1 for x in entries if x.get("status") == "failed")
    summary = e(L.t("index_summary", lang, n=len(entries), failed=n_failed))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{e(title)}</title>'
            f"<style>{css}</style></head><body class=\"ka-page\">{banner}<header class=\"ka-header\">"
            f'<p class="ka-kicker">kinerja_analysis {e(__version__)} · {e(run_time)}</p></header><main class="ka-main">'
            f"<h1>{e(title)}</h1><p>{summary}</p>"
            f'<div class="ka-table-wrap"><table class="ka-table ka-sortable"><thead><tr>{thead}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div></main><script>{js}</script></body></html>")
