"""The province report (notebook 05) on real public data: budget shifts of the 34 provinces in 2020-21,
PEFA-style budget reliability, and BPS outcomes against cut intensity.

The first half holds pure functions (frames in, frames out, tested on synthetic data with planted
effects); the second half the report sections, following :mod:`kinerja_analysis.report.sections.budget`.

Cut intensity is measured on **realised** belanja, because DJPK "Anggaran" for 2020 is largely the budget
set before refocusing: ``cut_intensity_pp`` = share of (goods/services + capital) in realised belanja in
the last pre year minus its mean share over the refocusing years, in percentage points (positive = cut
more). The outcome comparisons are descriptive: 34 provinces, one common shock, no control group.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import anggaran as ag
from .. import labels as L
from . import pefa
from ..report.charts import province as plots_province
from ..report import page as report
from ..config import DEFAULT_SEED, Periods

CUT_TYPES = ("barang_jasa", "modal")
COVID_TYPES = ("btt", "bansos", "hibah")
MEASURES = ("poverty_rate", "unemployment_rate", "grdp_growth", "ipm", "gini", "inflation")


# ---------------------------------------------------------------- pure functions
def yearly_totals(anggaran: pd.DataFrame) -> pd.DataFrame:
    """National (all pemda) total belanja Anggaran and Realisasi per year, with absorption."""
    return ag.summarise(anggaran, ["year"])[["year", "budget_revised", "spent", "absorption"]]


def btt_by_year(anggaran: pd.DataFrame) -> pd.DataFrame:
    """BTT "Anggaran" and Realisasi per year (all pemda): btt_budget, btt_spent.

    >>> a = pd.DataFrame({"year": [2020, 2020], "spending_type": ["btt", "modal"], "budget_revised": [1.0, 9.0],
    ...                   "spent": [20.0, 5.0]})
    >>> btt_by_year(a)[["btt_budget", "btt_spent"]].values.tolist()
    [[1.0, 20.0]]
    """
    b = anggaran[anggaran["spending_type"] == "btt"].groupby("year")[["budget_revised", "spent"]].sum()
    return b.rename(columns={"budget_revised": "btt_budget", "spent": "btt_spent"}).reset_index()


def shares(anggaran: pd.DataFrame, *, value: str = "spent", by=("region_code", "year")) -> pd.DataFrame:
    """Each spending type's share (0-1) of total belanja within ``by`` (realisation by default)."""
    return ag.composition(anggaran, value=value, by=by)


def group_share(comp: pd.DataFrame, types, *, by=("region_code", "year")) -> pd.DataFrame:
    """Summed share of ``types`` within ``by`` (0 where none of them occurs).

    >>> c = pd.DataFrame({"year": [2019] * 3, "spending_type": ["modal", "barang_jasa", "pegawai"],
    ...                   "share": [0.2, 0.3, 0.5]})
    >>> group_share(c, ("modal", "barang_jasa"), by=("year",))["share"].tolist()
    [0.5]
    """
    keys = list(by)
    base = comp[keys].drop_duplicates()
    part = comp[comp["spending_type"].isin(types)].groupby(keys)["share"].sum().reset_index()
    return base.merge(part, on=keys, how="left").fillna({"share": 0.0}).sort_values(keys).reset_index(drop=True)


def cut_intensity(anggaran: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Per region: share of goods/services + capital in realised belanja in the last pre year minus its
    mean over the refocusing years, in pp (positive = cut more), and the matching COVID-type rise.

    Hand check: shares 0.50 (2019), 0.40 (2020), 0.30 (2021) give 50 - 35 = 15 pp.

    >>> a = pd.DataFrame({"region_code": ["x"] * 6, "year": [2019, 2019, 2020, 2020, 2021, 2021],
    ...     "spending_type": ["modal", "pegawai"] * 3, "spent": [50.0, 50.0, 40.0, 60.0, 30.0, 70.0]})
    >>> cut_intensity(a, Periods())["cut_intensity_pp"].round(9).tolist()
    [15.0]
    """
    base_year = periods.pre[1]
    ref = periods.years("refocusing")
    comp = shares(anggaran[anggaran["year"].isin([base_year, *ref])])
    out = {}
    for name, types, sign in (("cut_intensity_pp", CUT_TYPES, 1.0), ("covid_rise_pp", COVID_TYPES, -1.0)):
        g = group_share(comp, types)
        base = g[g["year"] == base_year].set_index("region_code")["share"]
        during = g[g["year"].isin(ref)].groupby("region_code")["share"].mean()
        out[name] = sign * (base - during) * 100
    return pd.DataFrame(out).dropna().reset_index()


def outcome_changes(outcomes: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Per region and measure: mean value per period and the change pre -> refocusing and pre -> post.
    A period without data gives NaN (never 0)."""
    d = outcomes.assign(period=outcomes["year"].map(lambda y: periods.of(int(y))))
    d = d[d["period"].notna() & d["value"].notna()]
    m = d.pivot_table(index=["region_code", "measure"], columns="period", values="value", aggfunc="mean")
    for p in ("pre", "refocusing", "post"):
        if p not in m.columns:
            m[p] = np.nan
    m.columns.name = None
    m["change_refocusing"] = m["refocusing"] - m["pre"]
    m["change_post"] = m["post"] - m["pre"]
    return m.reset_index()


def bootstrap_corr(x, y, *, n_boot: int = 2000, seed: int = DEFAULT_SEED, level: float = 0.95) -> tuple[float, float, float]:
    """Pearson r with a percentile bootstrap CI that resamples the units (provinces), not rows of a panel.

    >>> rng = np.random.default_rng(1); x = rng.normal(size=200)
    >>> r, lo, hi = bootstrap_corr(x, 2 * x + rng.normal(size=200), n_boot=300)
    >>> round(r, 1), lo < r < hi       # population r = 2 / sqrt(5) = 0.894
    (0.9, True)
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(x) < 4:
        return (np.nan, np.nan, np.nan)
    r = float(np.corrcoef(x, y)[0, 1])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    xb, yb = x[idx], y[idx]
    xc, yc = xb - xb.mean(1, keepdims=True), yb - yb.mean(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rb = (xc * yc).sum(1) / np.sqrt((xc ** 2).sum(1) * (yc ** 2).sum(1))
    rb = rb[~np.isnan(rb)]
    a = (1 - level) / 2
    return r, float(np.quantile(rb, a)), float(np.quantile(rb, 1 - a))


def fit_line(x, y, *, n_grid: int = 50, level: float = 0.95) -> dict:
    """OLS fit y = a + b x (statsmodels) with the CI of the mean line on a grid."""
    import statsmodels.api as sm

    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    res = sm.OLS(y[ok], sm.add_constant(x[ok])).fit()
    grid = np.linspace(x[ok].min(), x[ok].max(), n_grid)
    pred = res.get_prediction(sm.add_constant(grid)).summary_frame(alpha=1 - level)
    return {"grid": grid, "fit": pred["mean"].to_numpy(), "lo": pred["mean_ci_lower"].to_numpy(),
            "hi": pred["mean_ci_upper"].to_numpy(), "slope": float(res.params[1]),
            "slope_lo": float(res.conf_int(alpha=1 - level)[1][0]), "slope_hi": float(res.conf_int(alpha=1 - level)[1][1]),
            "n": int(ok.sum())}


def outcome_vs_cut(outcomes: pd.DataFrame, cuts: pd.DataFrame, periods: Periods, *, n_boot: int = 2000,
                   seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Per measure and window: n, r with bootstrap CI, OLS slope (outcome units per pp of cut intensity)."""
    ch = outcome_changes(outcomes, periods).merge(cuts, on="region_code", how="inner")
    rows = []
    for measure in [m for m in MEASURES if m in set(ch["measure"])]:
        g = ch[ch["measure"] == measure]
        for window in ("change_refocusing", "change_post"):
            ok = g[window].notna()
            if ok.sum() < 4:
                rows.append({"measure": measure, "window": window, "n": int(ok.sum())})
                continue
            r, lo, hi = bootstrap_corr(g.loc[ok, "cut_intensity_pp"], g.loc[ok, window], n_boot=n_boot, seed=seed)
            f = fit_line(g.loc[ok, "cut_intensity_pp"], g.loc[ok, window])
            rows.append({"measure": measure, "window": window, "n": f["n"], "r": r, "r_lo": lo, "r_hi": hi,
                         "slope": f["slope"], "slope_lo": f["slope_lo"], "slope_hi": f["slope_hi"]})
    return pd.DataFrame(rows)


def pefa_counts(scores: pd.DataFrame, column: str = "pi1_band") -> pd.DataFrame:
    """Number of regions per band (A-D) and year."""
    c = scores.dropna(subset=[column]).groupby(["year", column]).size().unstack(fill_value=0)
    return c.reindex(columns=[b for b in pefa.SCORES if b in c.columns])


# ---------------------------------------------------------------- report sections
class Report:
    """The loaded real data plus the report's choices (periods, language, bootstrap size)."""

    def __init__(self, rd, periods: Periods, lang: str = "en", n_boot: int = 2000, seed: int = DEFAULT_SEED):
        self.rd, self.periods, self.lang, self.n_boot, self.seed = rd, periods, lang, n_boot, seed
        self.source = L.t("pv_source", lang)
        self.anggaran = rd.anggaran
        self.complete = rd.anggaran[~rd.anggaran["partial_year"]]
        self.cuts = cut_intensity(self.complete, periods)
        self.cuts["name"] = self.cuts["region_code"].map(self.name)

    def name(self, code: str) -> str:
        """Province name without the "Provinsi " prefix (tables and charts are narrower)."""
        return self.rd.region_name(code).replace("Provinsi ", "")


def start(data_dir: str = "", *, lang: str = "en", periods: str = "", n_boot: int = 2000, seed: int = DEFAULT_SEED,
          cache: bool = True) -> Report:
    """Find and load the real data, declare the page (title, provenance) and return the report state."""
    from .. import config
    from ..ingest import realdata

    folder = realdata.find_folder(data_dir)
    rd = realdata.load(folder, cache=cache)
    per = config.parse_periods(periods) if periods else Periods()
    report.context(title=L.t("pv_title", lang), dataset=rd, lang=lang)
    return Report(rd, per, lang, n_boot, seed)


def _money_cols(lang):
    return {"budget_revised": L.t("pv_anggaran", lang) + " (" + L.t("rp_billion", lang) + ")",
            "spent": L.t("pv_realisasi", lang) + " (" + L.t("rp_billion", lang) + ")",
            "absorption": L.t("absorption", lang)}


def introduction(r: Report) -> None:
    lang = r.lang
    n = r.anggaran["region_code"].nunique()
    years = sorted(r.anggaran["year"].unique())
    report.para(L.t("pv_intro", lang, n=n, y0=years[0], y1=years[-1]))
    report.para(L.t("pv_descriptive", lang, n=n), css="ka-caveat")


def data_checks(r: Report) -> pd.DataFrame:
    """Files, budget identity, the double-counting trap, blanks, partial years, unmapped names."""
    lang, rd = r.lang, r.rd
    report.heading(L.t("pv_sec_checks", lang))
    idt = rd.identity
    fail = idt[~idt["ok"]]
    trap = rd.issues[rd.issues["rule"] == "duplicate_label"]
    closed = idt[(idt["gap_budget_if_double_counted"].abs() > 1e6) & idt["ok"]]
    report.bullets([
        L.t("pv_check_files", lang, files=len(rd.files), rows=L.fmt_num(len(rd.accounts) * 2, lang, 0), pemda=rd.anggaran["region_name"].nunique()),
        L.t("pv_check_identity", lang, ok=int(idt["ok"].sum()), n=len(idt)),
        L.t("pv_check_trap", lang, n=len(trap), closed=len(closed)),
        L.t("pv_check_blank", lang, n=int((rd.issues["rule"] == "blank_value").sum())),
        L.t("pv_check_partial", lang, years=", ".join(map(str, rd.partial_years)) or "–"),
        L.t("pv_check_unmapped", lang, names=", ".join(rd.unmapped_names) or L.t("pv_none", lang)),
    ])
    report.record("identity_failures", len(fail))
    report.record("double_counted_rows", len(trap))
    if len(fail):
        show = pd.DataFrame({L.t("pv_pemda", lang): fail["region_name"].astype(str), L.t("year", lang): fail["year"],
                             L.t("pv_gap", lang): fail["gap_budget"], L.t("pv_gap_share", lang): fail["gap_share"],
                             L.t("pv_blank_values", lang): fail["n_blank_values"]})
        c = list(show.columns)
        report.table(show, lang=lang, caption=L.t("pv_identity_caption", lang),
                     formats={c[2]: "rp", c[3]: "ratio_pct", c[4]: "int"})
    n_blank = int((fail["n_blank_values"] > 0).sum())
    report.para(L.t("pv_identity_reading", lang, blank=n_blank, other=len(fail) - n_blank), css="ka-note")
    report.publish("budget_identity", idt, title=L.t("pv_identity_caption", lang))
    return idt


def anggaran_meaning(r: Report) -> pd.DataFrame:
    """What DJPK "Anggaran" means in each year, with the BTT evidence for 2020."""
    lang = r.lang
    report.heading(L.t("pv_sec_meaning", lang))
    y = yearly_totals(r.anggaran).merge(btt_by_year(r.anggaran), on="year", how="left")
    y["btt_ratio"] = y["btt_spent"] / y["btt_budget"]
    ref = r.periods.refocusing

    def meaning(year):
        if year in r.rd.partial_years:
            return L.t("pv_mean_partial", lang)
        if year < ref[0]:
            return L.t("pv_mean_pre", lang)
        if year == ref[0]:
            return L.t("pv_mean_2020", lang)
        return L.t("pv_mean_later", lang)

    report.figure(plots_province.btt_ratio(y[~y["year"].isin(r.rd.partial_years)], lang=lang, source=r.source),
                  reading=L.t("pv_read_btt", lang))
    show = pd.DataFrame({L.t("year", lang): y["year"], **{v: y[k] for k, v in _money_cols(lang).items()},
                         L.t("pv_btt_ratio", lang): y["btt_ratio"], L.t("pv_meaning", lang): y["year"].map(meaning)})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "rp", c[2]: "rp", c[3]: "ratio_pct", c[4]: "num2"})
    row = y[y["year"] == ref[0]]
    if len(row):
        report.record("btt_spent_over_budget_2020", float(row["btt_ratio"].iloc[0]))
    report.publish("anggaran_by_year", y, title=L.t("pv_sec_meaning", lang))
    return y


def totals(r: Report) -> pd.DataFrame:
    """Total belanja Anggaran vs Realisasi per province and year."""
    lang = r.lang
    report.heading(L.t("pv_sec_totals", lang))
    y = yearly_totals(r.anggaran)
    report.figure(plots_province.budget_vs_spent(y, lang=lang, source=r.source, partial=r.rd.partial_years),
                  reading=L.t("pv_read_totals", lang))
    t = ag.summarise(r.anggaran, ["region_code", "year"])
    t["province"] = t["region_code"].map(r.name)
    report.publish("belanja_by_province_year", t[["region_code", "province", "year", "budget_revised", "spent",
                                                  "absorption"]], title=L.t("pv_sec_totals", lang))
    wide = t.pivot_table(index="province", columns="year", values="absorption").reset_index()
    wide.columns = [L.t("pv_province", lang)] + [str(c) for c in wide.columns[1:]]
    report.table(wide, lang=lang, caption=L.t("pv_absorption_caption", lang),
                 formats={c: "ratio_pct" for c in wide.columns[1:]})
    for row in y.itertuples():
        report.record(f"total_belanja_budget_{row.year}", float(row.budget_revised))
        report.record(f"total_belanja_spent_{row.year}", float(row.spent))
    return t


def composition(r: Report) -> pd.DataFrame:
    """National composition of realised belanja by spending type, and the 2019 -> 2022 shift."""
    lang = r.lang
    report.heading(L.t("pv_sec_composition", lang))
    comp = shares(r.complete, by=("year",))
    report.figure(plots_province.composition(comp, lang=lang, source=r.source), reading=L.t("pv_read_composition", lang))
    base = r.periods.pre[1]
    cut = group_share(comp, CUT_TYPES, by=("year",)).set_index("year")["share"] * 100
    cov = group_share(comp, COVID_TYPES, by=("year",)).set_index("year")["share"] * 100
    report.para(L.t("pv_read_composition_data", lang, base=base, y1=r.periods.refocusing[0],
                    cut0=L.fmt_num(cut.get(base), lang, 1), cut1=L.fmt_num(cut.get(r.periods.refocusing[0]), lang, 1),
                    cov0=L.fmt_num(cov.get(base), lang, 1), cov1=L.fmt_num(cov.get(r.periods.refocusing[0]), lang, 1)))
    show = pd.DataFrame({L.t("year", lang): cut.index, L.t("pv_share_cut_types", lang): cut.to_numpy(),
                         "Δ " + str(base) + " (" + L.t("pp", lang) + ")": (cut - cut.get(base, np.nan)).to_numpy(),
                         L.t("pv_share_covid_types", lang): cov.reindex(cut.index).to_numpy(),
                         "Δ " + str(base) + " (" + L.t("pp", lang) + ") ": (cov - cov.get(base, np.nan)).reindex(cut.index).to_numpy()})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "pct", c[2]: "pp", c[3]: "pct", c[4]: "pp"},
                 caption=L.t("pv_composition_caption", lang))
    report.para(L.t("pv_no_function", lang), css="ka-note")
    for yr in cut.index:
        if yr != base and base in cut.index:
            report.record(f"shift_capital_goods_pp_{yr}", float(cut[yr] - cut[base]))
            report.record(f"shift_btt_bansos_hibah_pp_{yr}", float(cov[yr] - cov[base]))
    report.publish("composition_by_year", comp, title=L.t("pv_fig_composition", lang))
    return comp


def cut_ranking(r: Report) -> pd.DataFrame:
    lang = r.lang
    report.heading(L.t("pv_sec_cut", lang))
    report.para(L.t("pv_cut_definition", lang, base=r.periods.pre[1], y0=r.periods.refocusing[0],
                    y1=r.periods.refocusing[1]))
    report.figure(plots_province.cut_intensity(r.cuts, lang=lang, source=r.source), reading=L.t("pv_read_cut", lang))
    report.record("cut_intensity_median_pp", float(r.cuts["cut_intensity_pp"].median()))
    report.record("cut_intensity_max_pp", float(r.cuts["cut_intensity_pp"].max()))
    report.publish("cut_intensity", r.cuts, title=L.t("pv_fig_cut", lang))
    return r.cuts


def pefa_section(r: Report) -> pd.DataFrame:
    lang = r.lang
    report.heading(L.t("pv_sec_pefa", lang))
    report.para(L.t("pv_pefa_caveat", lang), css="ka-caveat")
    s = pefa.yearly(r.anggaran)
    report.figure(plots_province.pefa_counts(pefa_counts(s, "pi1_band"), lang=lang, source=r.source),
                  reading=L.t("pv_read_pefa", lang))
    report.figure(plots_province.pefa_counts(pefa_counts(s, "pi2_band"), lang=lang, source=r.source,
                                             title_key="pv_fig_pefa2"), reading=L.t("pv_read_pefa2", lang))
    for ind, pct, caption in (("pi1", "pi1_outturn_pct", "pv_pefa1_caption"), ("pi2", "pi2_variance_pct", "pv_pefa2_caption")):
        cell = s[f"{ind}_band"].fillna("–") + " · " + s[pct].map(lambda v: L.fmt_num(v, lang, 0))
        wide = s.assign(cell=cell).pivot_table(index="region_code", columns="year", values="cell", aggfunc="first")
        last = int(s["year"].max())
        for y3 in sorted({r.periods.refocusing[1], last}):
            wide[L.t("pv_three_year", lang, y0=y3 - 2, y1=y3)] = s[s["year"] == y3].set_index("region_code")[f"{ind}_score_3y"]
        wide.columns = [str(c) for c in wide.columns]
        wide.insert(0, L.t("pv_province", lang), wide.index.map(r.name))
        report.table(wide.sort_values(L.t("pv_province", lang)).reset_index(drop=True).fillna("–"), lang=lang,
                     caption=L.t(caption, lang), sortable=True)
    for yr, g in s.groupby("year"):
        report.record(f"pefa_pi1_share_A_{yr}", float((g["pi1_band"] == "A").mean()))
    report.publish("pefa_scores", s, title=L.t("pv_sec_pefa", lang))
    return s


def outcomes(r: Report) -> pd.DataFrame:
    """BPS outcomes before / during / after against cut intensity: scatter + OLS line + bootstrap r."""
    lang = r.lang
    report.heading(L.t("pv_sec_outcomes", lang))
    report.para(L.t("pv_descriptive", lang, n=len(r.cuts)), css="ka-caveat")
    stats = outcome_vs_cut(r.rd.outcomes, r.cuts, r.periods, n_boot=r.n_boot, seed=r.seed)
    ch = outcome_changes(r.rd.outcomes, r.periods).merge(r.cuts, on="region_code")
    for window in ("change_refocusing", "change_post"):
        panels = []
        for row in stats[(stats["window"] == window) & stats["r"].notna()].itertuples():
            g = ch[(ch["measure"] == row.measure) & ch[window].notna()]
            f = fit_line(g["cut_intensity_pp"], g[window])
            panels.append({"x": g["cut_intensity_pp"], "y": g[window], **f, "title": L.t(f"pv_m_{row.measure}", lang),
                           "ylabel": L.t("pv_change_axis", lang), "r": row.r, "r_lo": row.r_lo, "r_hi": row.r_hi})
        if panels:
            key = "pv_fig_outcomes_ref" if window == "change_refocusing" else "pv_fig_outcomes_post"
            report.figure(plots_province.scatter_fits(panels, lang=lang, source=r.source, title=L.t(key, lang)),
                          reading=L.t("pv_read_outcomes", lang))
    show = stats.assign(measure=stats["measure"].map(lambda m: L.t(f"pv_m_{m}", lang)),
                        window=stats["window"].map(lambda w: L.t(f"pv_{w}", lang)))
    show = show.rename(columns={"measure": L.t("pv_measure", lang), "window": L.t("period", lang)})
    report.table(show, lang=lang, formats={"r": "num2", "r_lo": "num2", "r_hi": "num2", "slope": "num2",
                                           "slope_lo": "num2", "slope_hi": "num2", "n": "int"})
    for row in stats.dropna(subset=["r"]).itertuples():
        report.record(f"corr_{row.measure}_{row.window}", row.r, ci_low=row.r_lo, ci_high=row.r_hi, n=row.n)
    report.publish("outcomes_vs_cut", stats, title=L.t("pv_sec_outcomes", lang))
    return stats


def rkp_targets(r: Report) -> pd.DataFrame:
    lang = r.lang
    report.heading(L.t("pv_sec_rkp", lang))
    d = r.rd.rkp
    d = d[d["year"] >= r.periods.pre[0]]
    note = {"": "", "mean_of_provinces": L.t("pv_rkp_mean", lang), "no_actual": L.t("pv_rkp_none", lang)}
    show = pd.DataFrame({L.t("pv_measure", lang): d["measure"].map(lambda m: L.t(f"pv_m_{m}", lang)),
                         L.t("year", lang): d["year"], L.t("pv_target_low", lang): d["target_lower"],
                         L.t("pv_target_high", lang): d["target_upper"], L.t("pv_actual", lang): d["actual"],
                         L.t("achievement", lang): d["achievement"], L.t("pv_note", lang): d["note"].map(note)})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[2]: "num2", c[3]: "num2", c[4]: "num2", c[5]: "pct"})
    report.para(L.t("pv_rkp_reading", lang), css="ka-note")
    for row in d.dropna(subset=["achievement"]).itertuples():
        report.record(f"rkp_capaian_{row.measure}_{row.year}", float(row.achievement))
    report.publish("rkp_targets", d, title=L.t("pv_sec_rkp", lang))
    return d


def notes(r: Report) -> None:
    report.heading(L.t("sec_notes", r.lang))
    report.bullets([L.t("pv_note_anggaran", r.lang), L.t("pv_note_trap", r.lang), L.t("pv_note_ipm", r.lang),
                    L.t("pv_descriptive", r.lang, n=len(r.cuts)), L.t("pv_note_sources", r.lang)])
