"""What to run: the report set of a data folder, or the report sets of a config (``kinerja report --config
runs.toml``), parsed and validated before anything runs.

A config lists one or more report sets. Each set names notebooks, a parameter grid, the data folder,
the language and the output folder; ``examples/runs.toml`` is the documented example. Everything is
checked up front, so that a nightly job fails in a second with a clear message, not after an hour:
unknown keys, unknown notebooks, parameter names the notebook does not declare in its ``parameters``
cell, wrong types, missing data folders, region codes that are not in the data, clashing output folders.
"""

from __future__ import annotations

import itertools
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import config, paths
from ..errors import ConfigError, KinerjaError, ParameterError, check_option
from ..ingest import realdata, template
from ..labels import LANGS
from .execute import Job
from .notebooks import NOTEBOOKS, check_parameters, notebook_parameters, notebook_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger("kinerja.plan")

_TOP_KEYS = {"set", "defaults", "settings"}
_SET_KEYS = {"name", "notebooks", "data", "out", "lang", "settings", "parameters", "grid", "title"}
_DEFAULT_KEYS = {"data", "lang", "settings", "out_root"}


@dataclass
class ReportSet:
    """One validated report set: the jobs to run and where their pages, index and manifest go."""

    name: str
    out: Path
    lang: str
    jobs: list = field(default_factory=list)
    title: str | None = None
    #: problems that do not stop the run (for example a region code that is not in the data)
    warnings: list = field(default_factory=list)


def for_folder(data_dir: str | Path, *, lang: str = "en", regions: list[str] | None = None) -> list[Job]:
    """The report set for a data folder: the cross-region notebooks plus one region report per region.

    A folder of real public data (DJPK/BPS files, not the analyst template) gets the province report set,
    or with ``regions`` one pemda page per code (see :func:`realdata_jobs`).
    """
    folder = paths.resolve(data_dir)
    if realdata.is_realdata_folder(folder):
        return realdata_jobs(folder, lang=lang, regions=regions)
    ds = template.load_folder(data_dir)
    common = {"data_dir": paths.display_path(folder), "lang": lang}
    jobs = []
    for key in (
        "00_data_quality",
        "01_budget_refocusing",
        "02_achievement_before_after",
        "03_refocusing_impact",
    ):
        if notebook_path(key).exists():
            jobs.append(Job(name=key, notebook=key, parameters=dict(common)))
    codes = regions or sorted(ds.regions["region_code"].astype(str).unique())
    for code in codes:
        jobs.append(
            Job(
                name=f"04_region_report-{code}",
                notebook="04_region_report",
                parameters={**common, "region": str(code)},
                region=f"{code} {ds.region_name(code)}",
            )
        )
    return jobs


def province_jobs(folder: str | Path, *, lang: str = "en") -> list[Job]:
    """The report set for a real-data folder: the province report (notebook 05)."""
    folder = Path(folder)
    return [
        Job(
            name="05_province_outcomes",
            notebook="05_province_outcomes",
            parameters={"data_dir": paths.display_path(folder), "lang": lang},
            region=f"{folder.name}: 34 provinsi",
        )
    ]


def split_regions(values) -> list[str]:
    """Region codes from ``--region`` values: each may be one code or a comma-separated list; "all" stays.

    >>> split_regions(["75.71,71.73", " 7571 ", "all"])
    ['75.71', '71.73', '7571', 'all']
    """
    values = [values] if isinstance(values, str) else list(values or [])
    return [c.strip() for v in values for c in str(v).split(",") if c.strip()]


def _djpk_folder(folder: Path) -> Path:
    return folder / realdata.DJPK_DIR if (folder / realdata.DJPK_DIR).is_dir() else folder


def pemda_in_folder(folder: str | Path) -> dict[str, str]:
    """{Kemendagri code: name} of every pemda with DJPK rows in a real-data folder, sorted by code
    (provinces first). Reads only the ``namapemda`` column of each file; names without a code are left out."""
    import pyarrow.csv as pacsv

    from ..ingest import djpk, regions

    dj = _djpk_folder(Path(folder))
    names: set[str] = set()
    for f in djpk.files(dj):
        t = pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(include_columns=["namapemda"]))
        names |= set(t.column("namapemda").unique().to_pylist())
    codes = pemda_codes(folder)
    mapped, _ = regions.map_names(sorted(names), codes)
    out = {c: n for c, n in zip(mapped, sorted(names)) if c}
    return dict(sorted(out.items(), key=lambda kv: (len(kv[0]), kv[0])))


def pemda_codes(folder: str | Path):
    """The regions table (Kemendagri, BPS codes, names, kind) of a real-data folder's code files."""
    from ..ingest import djpk, regions

    dj = _djpk_folder(Path(folder))
    if (dj / "kode_provinsi.csv").exists() or (dj / "kode_kabkota.csv").exists():
        return regions.djpk_codes(dj)
    return regions.codes_near(djpk.files(dj))


def resolve_regions(folder: Path, values) -> tuple[list[tuple[str, str]], list[str]]:
    """(code, label) per requested region of a real-data folder, and the problems found: each code is
    resolved to its Kemendagri code (from a Kemendagri, BPS or DJPK code); "all" means every pemda in
    the folder. A Kemendagri code that is also another pemda's BPS or DJPK code (91: Papua, but BPS 91 is
    Papua Barat) is written "kemendagri:91", so that the page reads it the same way. An unknown code is
    kept as given (its page fails alone, with the message) and reported."""
    from ..ingest import regions

    values = split_regions(values)
    in_folder = pemda_in_folder(folder)
    codes = pemda_codes(folder)

    def explicit(code: str) -> str:
        try:
            return code if str(regions.resolve(code, codes)) == code else f"kemendagri:{code}"
        except KinerjaError:
            return f"kemendagri:{code}"

    if "all" in values:
        return [(explicit(c), f"{c} {n}") for c, n in in_folder.items()], []
    out, problems = [], []
    for v in values:
        try:
            code = str(regions.resolve(v, codes))
        except KinerjaError as exc:
            out.append((v, v))
            problems.append(str(exc))
            continue
        if code not in in_folder:
            problems.append(f"region {v!r} ({code}): no DJPK rows in {folder}")
        name = in_folder.get(code) or dict(zip(codes["region_code"], codes["region_name"])).get(code, "")
        out.append((explicit(code), f"{code} {name}".strip()))
    return list(dict.fromkeys(out)), problems


def page_code(region: str) -> str:
    """The code in a page name: the Kemendagri code without its "kemendagri:" prefix.

    >>> page_code("kemendagri:91"), page_code("75.71")
    ('91', '75.71')
    """
    return str(region).removeprefix("kemendagri:")


def realdata_jobs(folder: str | Path, *, lang: str = "en", regions: list[str] | None = None) -> list[Job]:
    """The report set of a real-data folder: without ``regions`` the province report (notebook 05);
    with codes one pemda page (notebook 06) each, named ``06_pemda-<Kemendagri code>``; with "all" the
    national page (notebook 07) first, then every pemda in the folder."""
    folder = Path(folder)
    if not regions:
        return province_jobs(folder, lang=lang)
    common = {"data_dir": paths.display_path(folder), "lang": lang}
    wanted, problems = resolve_regions(folder, regions)
    for msg in problems:
        log.warning("%s; that page will fail, the others still run", msg)
    jobs = []
    if "all" in split_regions(regions):
        jobs.append(
            Job(name="07_national", notebook="07_national", parameters=dict(common), region=folder.name)
        )
    for code, label in wanted:
        jobs.append(
            Job(
                name=f"06_pemda-{page_code(code)}",
                notebook="06_pemda",
                parameters={**common, "region": code},
                region=label,
            )
        )
    return jobs


def is_batch_config(path: str | Path) -> bool:
    """True when the TOML file lists report sets (``[[set]]``), False for a plain settings file."""
    return "set" in _read(Path(path))


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _where(path: Path, i: int, name: str | None) -> str:
    return f"{path}: [[set]] #{i + 1}" + (f" ({name!r})" if name else "")


def _dataset(data_dir: Path, cache: dict):
    if data_dir not in cache:
        cache[data_dir] = template.load_folder(data_dir)
    return cache[data_dir]


def _regions(data_dir: Path, cache: dict) -> list[str]:
    if realdata.is_realdata_folder(data_dir):
        key = ("pemda", data_dir)
        if key not in cache:
            cache[key] = pemda_in_folder(data_dir)
        return list(cache[key])
    ds = _dataset(data_dir, cache)
    return sorted(set(ds.regions["region_code"].astype(str)) | set(ds.kinerja["region_code"].astype(str)))


def _pemda_names(data_dir: Path, cache: dict) -> dict[str, str]:
    _regions(data_dir, cache)
    return cache[("pemda", data_dir)]


def parse(text: str, *, source: str | Path = "<config>", base: Path | None = None) -> list[ReportSet]:
    """Parse and validate a report-set config given as TOML text; return the sets with their jobs.

    Relative paths are taken from ``base`` (the config file's folder when read with :func:`load`).

    >>> sets = parse('[[set]]\\nname = "q"\\nnotebooks = ["02_achievement_before_after"]\\nout = "/tmp/q"\\n')
    >>> sets[0].name, [j.name for j in sets[0].jobs], sets[0].jobs[0].parameters["data_dir"]
    ('q', ['02_achievement_before_after'], 'data/demo')
    """
    source = Path(str(source))
    base = base or Path.cwd()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise ConfigError(
            f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
            f"expected: {', '.join(sorted(_TOP_KEYS))}"
        )
    sets_doc = doc.get("set")
    if not isinstance(sets_doc, list) or not sets_doc:
        raise ConfigError(f"{source}: no report set: add at least one [[set]] table")
    defaults = doc.get("defaults", {})
    bad = set(defaults) - _DEFAULT_KEYS
    if bad:
        raise ConfigError(
            f"{source}: [defaults]: unknown key(s) {', '.join(sorted(bad))}; "
            f"expected: {', '.join(sorted(_DEFAULT_KEYS))}"
        )
    region_cache: dict = {}
    out_seen: dict[Path, str] = {}
    result = []
    for i, s in enumerate(sets_doc):
        name = s.get("name")
        where = _where(source, i, name)
        bad = set(s) - _SET_KEYS
        if bad:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(sorted(bad))}; expected: {', '.join(sorted(_SET_KEYS))}"
            )
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' (text) is required")
        notebooks = s.get("notebooks")
        notebooks = [notebooks] if isinstance(notebooks, str) else notebooks
        if not notebooks or not all(isinstance(n, str) for n in notebooks):
            raise ConfigError(
                f"{where}: 'notebooks' must be a notebook name or a list of them, "
                f'e.g. ["04_region_report"]; known: {", ".join(NOTEBOOKS)}'
            )
        lang = s.get("lang", defaults.get("lang", "en"))
        try:
            check_option("lang", lang, LANGS)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        data = s.get("data", defaults.get("data"))
        data_dir = paths.DEMO_DATA if data is None else paths.resolve(data, base=base)
        if not data_dir.is_dir():
            raise ConfigError(f"{where}: data folder {data!r} not found (looked in {data_dir})")
        out_root = defaults.get("out_root")
        out = s.get("out") or (str(Path(out_root) / paths.safe_name(name)) if out_root else None)
        if not isinstance(out, str):
            raise ConfigError(f"{where}: 'out' (output folder) is required, or set [defaults] out_root")
        out_dir = paths.resolve(out, base=base)
        if out_dir in out_seen:
            raise ConfigError(f"{where}: output folder {out_dir} is also used by set {out_seen[out_dir]!r}")
        out_seen[out_dir] = name
        settings = s.get("settings", defaults.get("settings"))
        if settings is not None:
            sp = paths.resolve(settings, base=base)
            if not sp.is_file():
                raise ConfigError(f"{where}: settings file {settings!r} not found (looked in {sp})")
            config.load(sp)  # a bad settings file fails here, not in every kernel
            settings = str(sp)
        fixed = s.get("parameters", {})
        grid = s.get("grid", {})
        if not isinstance(fixed, dict) or not isinstance(grid, dict):
            raise ConfigError(f"{where}: 'parameters' and 'grid' must be tables")
        clash = set(fixed) & set(grid)
        if clash:
            raise ConfigError(f"{where}: {', '.join(sorted(clash))} given both in 'parameters' and in 'grid'")
        axes = []
        warnings: list[str] = []
        for key, values in grid.items():
            if values == "all":
                if key != "region":
                    raise ConfigError(f"{where}: grid.{key} = \"all\" is only known for 'region'")
                values = _regions(data_dir, region_cache)
            if not isinstance(values, list) or not values:
                raise ConfigError(
                    f'{where}: grid.{key} must be a non-empty list (or "all" for region), found {values!r}'
                )
            if key == "region" and realdata.is_realdata_folder(data_dir):  # any code form -> Kemendagri
                resolved, problems = resolve_regions(data_dir, [str(v) for v in values])
                values = [c for c, _ in resolved]
                warnings += [f"{where}: grid.region: {p}; that report will fail" for p in problems]
            elif key == "region":  # an unknown code fails its own report only: the others still run
                known = set(_regions(data_dir, region_cache))
                missing = [v for v in values if str(v) not in known]
                if missing:
                    warnings.append(
                        f"{where}: grid.region: {', '.join(map(repr, missing))} not in {data_dir}; "
                        f"those reports will fail (known: {', '.join(sorted(known))})"
                    )
            axes.append((key, values))
        jobs = []
        names_seen = set()
        for nb in notebooks:
            if not notebook_path(nb).exists():
                raise ConfigError(f"{where}: unknown notebook {nb!r}; known: {', '.join(NOTEBOOKS)}")
            declared = notebook_parameters(nb)
            base_params = {"data_dir": paths.display_path(data_dir), "lang": lang}
            if settings is not None:
                base_params["config_file"] = settings
            base_params = {k: v for k, v in base_params.items() if k in declared}
            for combo in itertools.product(*[v for _, v in axes]) if axes else [()]:
                params = {**base_params, **fixed, **{k: v for (k, _), v in zip(axes, combo, strict=True)}}
                try:
                    params = check_parameters(nb, params)
                except ParameterError as exc:
                    raise ConfigError(f"{where}: {exc}") from exc
                suffix = "-".join(page_code(v) for v in combo)
                jname = f"{Path(nb).stem}-{suffix}" if suffix else Path(nb).stem
                if jname in names_seen:
                    raise ConfigError(f"{where}: report {jname!r} would be produced twice")
                names_seen.add(jname)
                region = str(params.get("region", ""))
                if realdata.is_realdata_folder(data_dir):
                    name_of = _pemda_names(data_dir, region_cache).get(region, "")
                else:
                    name_of = _dataset(data_dir, region_cache).region_name(region) if region else ""
                if name_of and name_of != region:
                    region = f"{region} {name_of}"
                jobs.append(Job(name=jname, notebook=nb, parameters=params, region=region))
        result.append(
            ReportSet(name=name, out=out_dir, lang=lang, jobs=jobs, title=s.get("title"), warnings=warnings)
        )
    return result


def load(path: str | Path) -> list[ReportSet]:
    """Read and validate a report-set config file (see :func:`parse`)."""
    p = Path(path).resolve()
    if not p.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the config: {exc}") from exc
    return parse(text, source=p, base=p.parent)


__all__ = [
    "ReportSet",
    "for_folder",
    "is_batch_config",
    "load",
    "parse",
    "pemda_in_folder",
    "province_jobs",
    "realdata_jobs",
    "resolve_regions",
    "split_regions",
]
