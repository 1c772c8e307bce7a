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
from . import guide

_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return (
        (TEMPLATES / "kinerja" / "style.css").read_text(encoding="utf-8"),
        (TEMPLATES / "kinerja" / "page.js").read_text(encoding="utf-8"),
    )


#: an <img> tag without alt text (nbconvert's own pass gives those a placeholder, see :func:`exporter`)
_IMG_NO_ALT = re.compile(r"<img(?![^>]*\salt=)", re.I)
#: the class nbconvert's own pass looks for before it makes input and output areas focusable
_JP_NOTEBOOK = re.compile(r'class="(?:[^"]*\s)?jp-Notebook(?:\s[^"]*)?"')
_NO_ALT = "No description has been provided for this image"


def _page_exporter_class():
    """HTMLExporter without its last step, a BeautifulSoup parse and re-serialisation of the whole page
    (most of an export: about 0.8 s of 0.95 s for a region page with 7 embedded figures) that here only
    gives ``<img>`` tags without alt text a placeholder (done with a regex instead) and makes input and
    output areas inside a ``jp-Notebook`` element focusable (our template has none: when a page has one,
    the full nbconvert pass runs). What the page shows is unchanged."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7) up to its BeautifulSoup step
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            out, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            if _JP_NOTEBOOK.search(out):  # not our template's page: nbconvert's own pass
                from bs4 import BeautifulSoup

                soup = BeautifulSoup(out, features="html.parser")
                for elem in soup.select(
                    ".jp-Notebook div.jp-Cell-inputWrapper, .jp-Notebook div.jp-OutputArea-output"
                ):
                    elem.attrs["tabindex"] = "0"
                out = str(soup)
            return _IMG_NO_ALT.sub(f'<img alt="{_NO_ALT}"', out), resources

    return PageExporter


@lru_cache(maxsize=2)
def exporter(show_code: bool = False):
    """One HTML exporter per process: building it costs more than rendering a page with it."""
    exp = _page_exporter_class()(template_name="kinerja", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    # the notebook comes from our own run: validate it once after the preprocessors, not after each of them
    exp.optimistic_validation = True
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


_ABSOLUTE = re.compile(r"(?<![\w.:/])(?:/[^\s/'\"<>:]+){2,}/?|\b[A-Za-z]:\\[^\s'\"<>]+")


def without_paths(text: str) -> str:
    """``text`` with every absolute path of the machine replaced by its last part.

    >>> without_paths("cannot read /home/ana/data/raw/kinerja.csv, row 3")
    'cannot read kinerja.csv, row 3'
    """
    return _ABSOLUTE.sub(lambda m: re.split(r"[\\/]", m.group(0).rstrip("/\\"))[-1] or m.group(0), str(text))


_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
#: Indonesia's time zones by UTC offset (hours)
_ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}


def local_time(text: str, lang: str = "en", *, zone: str = "") -> str:
    """A run time as a reader in Indonesia writes it: the ISO time at the start of ``text`` in Western
    Indonesian Time (``zone`` or the ``KINERJA_TZ`` environment variable, an IANA name, overrides), the rest
    of ``text`` kept. Text that does not start with an ISO time comes back unchanged.

    >>> local_time("2026-11-30T09:33:05+00:00 (12.5 s)", "id")
    '30 November 2026, 16.33 WIB (12.5 s)'
    >>> local_time("2026-01-02T01:05:00+07:00", "en")
    '2 January 2026, 01:05 WIB'
    """
    import os
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    m = re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)", text or "")
    if not m:
        return text
    stamp = dt.datetime.fromisoformat(m.group(0).replace("Z", "+00:00"))
    name = zone or os.environ.get("KINERJA_TZ", "") or "Asia/Jakarta"
    try:
        tz = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.timezone(dt.timedelta(hours=7))
    t = stamp.astimezone(tz)
    hours = int(t.utcoffset().total_seconds() // 3600)
    label = _ZONES.get(hours, t.strftime("UTC%z"))
    month = _MONTHS_ID[t.month - 1] if lang == "id" else t.strftime("%B")
    clock = f"{t.hour:02d}.{t.minute:02d}" if lang == "id" else f"{t.hour:02d}:{t.minute:02d}"
    return f"{t.day} {month} {t.year}, {clock} {label}" + text[m.end() :]


def _shown_parameter(value):
    if isinstance(value, str):
        return repr(without_paths(value) if Path(value).is_absolute() else value)
    return value


def _provenance(parameters: dict, data_source: str, data_hash: str, run_time: str, lang: str) -> str:
    e = html.escape
    params = ", ".join(
        f"<code>{e(k)} = {e(str(_shown_parameter(v)), quote=False)}</code>" for k, v in parameters.items()
    )
    rows = [
        ("parameters", params),
        ("data_source", e(data_source)),
        ("data_hash", f"<code>{e(data_hash)}</code>"),
        ("version", e(f"kinerja_analysis {__version__}")),
        ("run_time", e(local_time(run_time, lang))),
    ]
    body = "".join(f'<tr><th scope="row">{e(L.t(k, lang))}</th><td>{v}</td></tr>' for k, v in rows)
    return (
        f'<details class="ka-about"><summary>{e(L.t("about_page", lang))}</summary>'
        f'<table class="ka-provenance">{body}</table></details>'
    )


def _links(links: dict, lang: str) -> str:
    e = html.escape
    items = [
        f'<a href="{e(href)}">{e(L.t("link_" + kind, lang))}</a>'
        for kind, href in links.items()
        if href and ("link_" + kind) in L.TEXT
    ]
    return (
        f'<nav class="ka-links" aria-label="{e(L.t("links", lang))}">{" · ".join(items)}</nav>'
        if items
        else ""
    )


def _failure_notice(report_name: str, region: str, error: str, lang: str) -> str:
    """A failed page's notice for people: what failed, for which region, what to do. The traceback stays in
    the executed notebook; a message the package wrote for people (a data or settings error) is shown
    without machine paths."""
    e = html.escape
    name, _, message = str(error).partition(": ")
    ours = name in {"DataError", "ConfigError", "FileReadError", "ValidationError"}
    detail = L.t("failure_detail", lang, message=without_paths(message)) if ours and message else ""
    text = L.t(
        "failure_body",
        lang,
        region=region or report_name,
        executed=f"executed/{report_name}.ipynb",
    )
    return (
        f'<div class="ka-failure" role="alert"><h2 id="failure">{e(L.t("failure_title", lang))}</h2>'
        f"<p>{e(detail)}</p><p>{e(text)}</p></div>"
        if detail
        else f'<div class="ka-failure" role="alert"><h2 id="failure">{e(L.t("failure_title", lang))}</h2>'
        f"<p>{e(text)}</p></div>"
    )


def _without_errors(nb):
    """A copy of ``nb`` without error outputs, stderr streams and papermill's error notes (tracebacks are for
    the executed notebook)."""
    nb = copy.deepcopy(nb)
    # papermill's own notes ("An Exception was encountered at ...") are English and technical: left out too
    nb.cells = [
        c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])
    ]
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [
                o
                for o in cell.outputs
                if o.get("output_type") != "error"
                and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


def render_notebook(
    nb,
    *,
    report_name: str,
    parameters: dict,
    context: dict,
    run_time: str,
    show_code: bool = False,
    links: dict | None = None,
    failure: str | None = None,
    region: str = "",
) -> str:
    """HTML for one executed notebook (an nbformat node).

    The title comes first; under it the links (``links``: index, xlsx, open_data -> relative hrefs), the
    collapsed provenance block (parameters, data source and hash, version, run time) and the contents.
    ``failure`` (the manifest's error text) turns the page into a failure page for people: a localised
    notice of what failed for which ``region`` and what to do; error outputs are left out.
    """
    lang = context.get("lang") or parameters.get("lang") or "en"
    css, js = _assets()
    if show_code:  # pygments colours for the folded code
        from pygments.formatters import HtmlFormatter

        css += HtmlFormatter(style="default").get_style_defs(".highlight")
    files = context.get("data_files") or {}
    data_source = context.get("data_folder", "")
    if files:
        data_source += " (" + ", ".join(sorted(files)) + ")"
    title = context.get("title", report_name)
    resources = {
        "ka": {
            "lang": lang,
            "title": title,
            "report_name": report_name,
            "synthetic": bool(context.get("synthetic")),
            "banner": L.t("synthetic_banner", lang),
            "css": css,
            "js": js,
            "footer": (L.t("synthetic_banner", lang) + " · " if context.get("synthetic") else "")
            + f"kinerja_analysis {__version__}",
            "t": {"code": L.t("code", lang)},
        }
    }
    shown = _without_private_outputs(nb)
    if failure:
        shown = _without_errors(shown)
    body, _ = exporter(show_code).from_notebook_node(shown, resources=resources)
    under_title = (
        _links(links or {}, lang)
        + (_failure_notice(report_name, region, failure, lang) if failure else "")
        + _provenance(parameters, data_source or "–", context.get("data_hash", "–"), run_time, lang)
    )
    h1_end = body.find("</h1>")
    if h1_end == -1:  # the notebook stopped before it showed its title
        main = body.index('<main class="ka-main">') + len('<main class="ka-main">')
        body = body[:main] + f"<h1>{html.escape(title)}</h1>" + body[main:]
        h1_end = body.find("</h1>")
    cut = h1_end + len("</h1>")
    body = body[:cut] + under_title + "<!--KA-TOC-->" + body[cut:]
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
#: results.json keys of the real-data province page (notebook 05) shown when a report carries them
PROVINCE_INDEX_KEYS = ("cut_intensity_median_pp", "btt_spent_over_budget_2020")


def _index_columns(entries: list[dict], lang: str) -> list[tuple[str, str]]:
    """The key-figure columns of an index: those of the template reports, pemda pages and province page
    that some report carries; the template reports' columns when no report carries any (nothing to show
    yet). A real-data run never repeats the demo's columns as dashes.

    >>> [k for k, _ in _index_columns([{"results": {"peer_cut_intensity_pp": {"value": 1.0}}}], "en")]
    ['peer_cut_intensity_pp']
    >>> [k for k, _ in _index_columns([{"results": {"cut_intensity_median_pp": {"value": 3.0}}}], "en")]
    ['cut_intensity_median_pp']
    """

    def carried(key):
        return any((e.get("results") or {}).get(key, {}).get("value") is not None for e in entries)

    keys = [k for k in INDEX_KEYS + PEMDA_INDEX_KEYS + PROVINCE_INDEX_KEYS if carried(k)] or list(INDEX_KEYS)
    return [(key, L.t(f"index_{key}", lang)) for key in keys]


def index_page(
    entries: list[dict],
    *,
    title: str,
    lang: str = "en",
    synthetic: bool = False,
    run_time: str = "",
    key_columns: list[tuple[str, str]] | None = None,
) -> str:
    """The index of a report set: a reading guide (one card per question with its headline number from the
    reports' results and a link to the page that answers it, :func:`.guide.guide_cards`), then one row per report
    with status, key figures and a link to its HTML page (the executed notebook beside it, small, for
    analysts). ``run_time`` (ISO) is shown as local time (:func:`local_time`).

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
            f' <small class="ka-analyst"><a href="{e(ent["executed"])}" title="{e(L.t("index_executed_title", lang))}">'
            f"{e(L.t('index_executed', lang))}</a></small>"
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
            cells[0] = (
                cells[0][:-5] + f'<br><small class="status-failed">{e(without_paths(err)[:300])}</small></td>'
            )
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
    when = local_time(run_time, lang) if run_time else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{e(title)}</title>'
        f'<style>{css}{guide.GUIDE_CSS}</style></head><body class="ka-page">{banner}<header class="ka-header">'
        f'<p class="ka-kicker">kinerja_analysis {e(__version__)} · {e(when)}</p></header><main class="ka-main">'
        f"<h1>{e(title)}</h1>{guide.guide_html(guide.guide_cards(entries, lang), lang)}<p>{summary}</p>"
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
