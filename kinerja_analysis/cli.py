"""The ``kinerja`` command: the front door for analysts and scheduled jobs (DESIGN.md section 8).

Exit codes: 0 success, 1 data or report failures (with a summary), 2 usage errors.
A traceback is never the only message a user sees.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import __version__, capaian, config, paths
from .config import DEFAULT_SEED
from .errors import ConfigError, DataError, KinerjaError, ParameterError
from .ingest import blank, demo, fetch, quarterly, realdata, template, validate
from .ingest.issues import Issues
from .ingest.table import read_table
from .run import artefacts, plan, render, runner
from .run.notebooks import notebook_parameters
from .run.progress import Progress

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 with a short message (argparse's default too)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"kinerja: error: {message}\n")


def _cmd_demo(args) -> int:
    if args.national:
        from .ingest import national

        folder = paths.resolve(args.national, base=Path.cwd())
        written = national.write(folder, seed=args.seed, small=args.small)
        print(f"wrote {len(written)} files of a synthetic national folder to {folder} (truth in truth.json)")
        print(f"next: kinerja report --data {paths.display_path(folder)}")
        return EXIT_OK
    if args.small:
        raise ConfigError("--small goes with --national DIR")
    out = paths.resolve(args.out, base=Path.cwd()) if args.out else paths.DEMO_DATA
    written = demo.write(out, seed=args.seed)
    print(f"wrote {len(written)} files to {out}")
    return EXIT_OK


def _print_issues(issues, stream=sys.stdout) -> None:
    for r in issues.itertuples():
        has_row = r.row is not None and str(r.row) not in ("<NA>", "nan", "None")
        where = (
            r.file
            + (f", sheet {r.sheet}" if r.sheet else "")
            + (f", row {int(r.row)}" if has_row else "")
            + (f", column {r.column}" if r.column else "")
        )
        found = f" (found {r.value!r})" if r.value else ""
        print(f"{r.severity.upper()}: {where}: {r.message}{found} [{r.rule}]", file=stream)


def _cmd_validate(args) -> int:
    import pandas as pd

    n_err = 0
    frames = []
    for target in args.paths:
        try:
            issues = validate.validate_path(target)
        except Exception as exc:  # one target that cannot be checked must not stop the others
            if args.verbose:
                raise
            what = str(exc) if isinstance(exc, KinerjaError) else f"{type(exc).__name__}: {exc}"
            issues = Issues()
            issues.add("unreadable_file", "error", str(target), f"cannot validate: {what}")
            issues = issues.frame()
        _print_issues(issues)
        errors = int((issues["severity"] == "error").sum())
        warnings = int((issues["severity"] == "warning").sum())
        n_err += errors
        frames.append(issues)
        print(f"{target}: {errors} error(s), {warnings} warning(s)")
    if args.html:
        dest = render.write_validation_page(
            pd.concat(frames, ignore_index=True),
            Path(args.html),
            source=", ".join(map(str, args.paths)),
            lang=args.lang,
        )
        print(f"validation report: {dest}")
    return EXIT_FAIL if n_err else EXIT_OK


def _cmd_template(args) -> int:

    out = Path(args.out) if args.out else Path.cwd() / "template"
    written = blank.write_templates(out)
    print(
        f"wrote {len(written)} template files to {out}: fill kinerja.xlsx and anggaran.xlsx, then "
        f"run `kinerja validate {out}`"
    )
    return EXIT_OK


def _cmd_capaian(args) -> int:

    settings = config.load(args.config, negative_formula=args.negative_formula, cap=args.cap)
    src = Path(args.file)
    if not src.exists():
        raise DataError(f"{src}: file not found")

    issues = Issues()

    df = quarterly.to_annual(read_table(src, "kinerja", issues), issues)
    frame = issues.frame()
    errors = frame[frame["severity"] == "error"]
    if len(errors):
        _print_issues(errors, sys.stderr)
        print(f"{src}: {len(errors)} error(s); fix them first (kinerja validate {src})", file=sys.stderr)
        return EXIT_FAIL
    out = capaian.compute(df, settings)
    mism = validate.reported_mismatch(df, settings=settings)
    if "achievement_reported" in out.columns and out["achievement_reported"].notna().any():
        out["achievement_reported_diff_pp"] = out["achievement_reported"] - out["achievement"]
        out["reported_mismatch"] = out.index.isin(mism.index)
        for r in mism.itertuples():
            print(
                f"WARNING: {r.source}: reported capaian {r.achievement_reported:.2f} vs recomputed "
                f"{r.achievement:.2f} ({r.diff_pp:+.2f} pp) [reported_capaian_differs]",
                file=sys.stderr,
            )
    dest = Path(args.output)
    if dest.suffix.lower() == ".xlsx":
        artefacts.write_xlsx({"capaian": out}, dest)
    else:
        artefacts.write_csv(out, dest)
    n_flag = int(out["flag"].ne("").sum())
    print(
        f"wrote {len(out)} rows to {dest} ({n_flag} flagged rows, {len(mism)} reported capaian off by "
        f"more than 0.5 pp)"
    )
    return EXIT_OK


def _run_options(args) -> dict:
    return {
        "n_jobs": args.jobs,
        "timeout": args.timeout,
        "show_code": args.show_code,
        "engine": "warm" if args.warm_kernels else "fresh",
        "executor": args.executor,
        "scheduler": args.scheduler,
        "skip_unchanged": args.skip_unchanged,
        "report_timeout": args.report_timeout,
        "pdf": args.pdf,
    }


def _cmd_report_config(args) -> int:
    sets = plan.load(args.config)  # everything is validated before anything runs
    n_failed, manifests = runner.run_sets(sets, **_run_options(args))
    text = runner.summary(manifests)
    if text:
        print(text, file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _cmd_report(args) -> int:

    if args.cache:  # every notebook kernel inherits the environment: paths.cache_dir() reads it there
        os.environ[paths.CACHE_ENV] = str(paths.resolve(args.cache, base=Path.cwd()))
    if args.executor == "dask" and not args.scheduler:
        raise ConfigError("--executor dask needs --scheduler ADDRESS (for example tcp://10.0.0.5:8786)")
    if args.config and plan.is_batch_config(args.config):
        return _cmd_report_config(args)
    data_dir = paths.resolve(args.data, base=Path.cwd()) if args.data else paths.DEMO_DATA
    if args.data is None and not (data_dir / "kinerja.csv").exists():
        demo.write(data_dir)
        print(f"wrote the demo data to {data_dir}")
    out = (
        paths.resolve(args.out, base=Path.cwd())
        if args.out
        else paths.REPORTS / ("demo" if args.data is None else paths.safe_name(data_dir.name))
    )

    ds = None if realdata.is_realdata_folder(data_dir) else template.load_folder(data_dir)
    if ds is not None and not ds.errors.empty:
        _print_issues(ds.errors, sys.stderr)
        print(
            f"{data_dir}: {len(ds.errors)} data error(s); no report was run (kinerja validate {data_dir})",
            file=sys.stderr,
        )
        return EXIT_FAIL
    wanted = plan.split_regions(args.region)
    if ds is not None and "all" in wanted:  # the template folder's default is every region already
        wanted = []
    jobs = plan.for_folder(data_dir, lang=args.lang, regions=wanted or None)
    if args.config:  # a plain settings file: every notebook that takes one gets it
        config.load(args.config)
        for job in jobs:
            if "config_file" in notebook_parameters(job.notebook):
                job.parameters["config_file"] = str(paths.resolve(args.config, base=Path.cwd()))
    print(f"running {len(jobs)} reports on {data_dir} with {args.jobs or 'all'} worker(s) → {out}")
    progress = Progress(len(jobs))
    try:
        manifest = runner.run(jobs, out, lang=args.lang, progress=progress, **_run_options(args))
    finally:
        progress.close()
    failed = [e for e in manifest["reports"] if e["status"] == "failed"]
    print(f"index: {out / 'index.html'}")
    if failed:
        print(
            f"{len(failed)} of {len(jobs)} report(s) failed: " + ", ".join(e["name"] for e in failed),
            file=sys.stderr,
        )
        print(f"their executed notebooks, with the error, are in {out / 'executed'}", file=sys.stderr)
        return EXIT_FAIL
    print(f"{len(jobs)} report(s) written in {manifest['run']['duration_s']:.1f} s")
    return EXIT_OK


def _cmd_data_fetch(args) -> int:

    dest = paths.resolve(args.dest, base=Path.cwd()) if args.dest else paths.RAW_DATA
    print(
        f"fetching {len(fetch.FILES)} public files into {dest}"
        + (f" from {args.mirror}" if args.mirror else "")
    )

    def progress(entry):
        print(f"  {entry['status']:10} {entry['folder']}/{entry['file']}", flush=True)

    fetch.fetch(dest, mirror=args.mirror, timeout=args.timeout, progress=progress)
    print(f"all files verified (sha256 and git blob id); manifest: {dest / 'manifest.json'}")
    print(f"next: kinerja report --data {paths.display_path(dest)}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="kinerja", description="COVID-19 budget refocusing and the performance of Indonesian pemda/OPD."
    )
    p.add_argument("--version", action="version", version=f"kinerja_analysis {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging (and tracebacks)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    d = sub.add_parser("demo", help="write the synthetic demo data folder")
    d.add_argument("--out", help="folder (default: data/demo in the project)")
    d.add_argument("--seed", type=int, default=DEFAULT_SEED)
    d.add_argument(
        "--national",
        metavar="DIR",
        help="instead: a synthetic national folder in the DJPK scraper's format (34 provinces, 508 kab/kota, "
        "2019-2025, traps planted, truth.json)",
    )
    d.add_argument("--small", action="store_true", help="with --national: 3 provinces x 4 kab/kota")
    d.set_defaults(func=_cmd_demo)

    v = sub.add_parser("validate", help="check data folders or files; exit 1 on errors")
    v.add_argument("paths", nargs="+", metavar="DIR|FILE")
    v.add_argument("--html", metavar="FILE", help="also write an HTML validation report to FILE")
    v.add_argument("--lang", choices=["en", "id"], default="en", help="language of the HTML report")
    v.set_defaults(func=_cmd_validate)

    tp = sub.add_parser("template", help="write blank templates (xlsx with a README sheet, and csv)")
    tp.add_argument("--out", help="folder (default: ./template)")
    tp.set_defaults(func=_cmd_template)

    c = sub.add_parser("capaian", help="add achievement, formula, band and flags to an indicator table")
    c.add_argument("file")
    c.add_argument("-o", "--output", required=True, help="output .csv or .xlsx")
    c.add_argument("--config", help="settings TOML")
    c.add_argument("--negative-formula", choices=["(2T-R)/T", "T/R"], default=None)
    c.add_argument("--cap", type=float, default=None, help="cap capaian at this value (off by default)")
    c.set_defaults(func=_cmd_capaian)

    r = sub.add_parser(
        "report", help="run the report set and write HTML, index.html, manifest.json, results.json"
    )
    r.add_argument("--data", help="data folder in the template format (default: the demo data)")
    r.add_argument("--out", help="output folder (default: reports/demo or reports/<data folder name>)")
    r.add_argument(
        "--config", help="report-set TOML with [[set]] tables (see examples/runs.toml), or a settings TOML"
    )
    r.add_argument("--jobs", type=int, default=None, help="parallel reports (default: number of cores)")
    r.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local worker processes, or a Dask cluster (pip install 'kinerja_analysis[dask]')",
    )
    r.add_argument("--scheduler", help="Dask scheduler address for --executor dask, e.g. tcp://10.0.0.5:8786")
    r.add_argument(
        "--skip-unchanged",
        action="store_true",
        help="skip reports whose notebook, parameters, data and package are unchanged since the last run",
    )
    r.add_argument(
        "--warm-kernels",
        action="store_true",
        help="fork each report's kernel from a warm process (imports done once per worker)",
    )
    r.add_argument(
        "--report-timeout", type=float, default=1800, help="seconds per report before its kernel is stopped"
    )
    r.add_argument("--lang", choices=["en", "id"], default="en")
    r.add_argument(
        "--region",
        action="append",
        help="only this region: a code, a comma-separated list, or 'all' (repeatable); for real DJPK data "
        "a Kemendagri (75.71), BPS (7571) or DJPK (30.03) code, one page each; 'all' adds the national page",
    )
    r.add_argument("--timeout", type=float, default=600, help="seconds per cell before a report is stopped")
    r.add_argument(
        "--show-code", action="store_true", help="keep the code in the pages, folded under each output"
    )
    r.add_argument(
        "--pdf",
        action="store_true",
        help="also print each page to PDF with headless chromium (skipped with a note when absent)",
    )
    r.add_argument(
        "--cache",
        metavar="DIR",
        help="folder for the parsed-data cache (default: $KINERJA_CACHE, else $XDG_CACHE_HOME/kinerja "
        "or ~/.cache/kinerja)",
    )
    r.set_defaults(func=_cmd_report)

    da = sub.add_parser("data", help="public real data sets (DJPK APBD, BPS outcomes, region codes)")
    dsub = da.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    df = dsub.add_parser(
        "fetch",
        help="download the public files (DJPK province and kab/kota, BPS, codes, district GRDP and map) "
        "into data/raw/ and verify their checksums",
    )
    df.add_argument("--dest", help="folder (default: data/raw in the project)")
    df.add_argument(
        "--mirror", help="base URL serving the same layout (<URL>/<folder>/<file>) instead of GitHub"
    )
    df.add_argument("--timeout", type=float, default=60, help="seconds per download")
    df.set_defaults(func=_cmd_data_fetch)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        return args.func(args)
    except (ConfigError, ParameterError) as exc:
        print(f"kinerja: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataError as exc:
        print(f"kinerja: data error: {exc}", file=sys.stderr)
        if getattr(exc, "issues", None) is not None:
            _print_issues(exc.issues, sys.stderr)
        return EXIT_FAIL
    except KinerjaError as exc:
        print(f"kinerja: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("kinerja: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never only a traceback
        if args.verbose:
            raise
        print(
            f"kinerja: unexpected error: {type(exc).__name__}: {exc} (run with -v for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAIL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
