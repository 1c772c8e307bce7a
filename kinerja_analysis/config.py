"""Settings: periods, band schemes, formula choices and report language in one typed object.

Every contested choice of DESIGN.md section 4 is a field here, so that a reviewer finds each
judgement call in one place, and a TOML file (``--config``) can change it without code.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError, check_option

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Polarity = Literal["positive", "negative", "range"]
NegativeFormula = Literal["(2T-R)/T", "T/R"]
Lang = Literal["en", "id"]

#: (lower bound inclusive, key) from the top band down. Bands are half-open: [lower, next lower).
#: Other schemes (for example a region's six-band scheme) are data: add them in the settings TOML as
#: ``[settings.band_schemes.NAME]`` with ``lower = [...]`` and ``keys = [...]``; nothing else is hard-coded.
BAND_SCHEMES: dict[str, list[tuple[float, str]]] = {
    # PermenPANRB / Permendagri 86/2017 style five-band scheme used in most LKjIP.
    "default": [
        (91, "sangat_baik"),
        (76, "baik"),
        (66, "cukup"),
        (51, "kurang"),
        (float("-inf"), "sangat_kurang"),
    ],
}


@dataclass(frozen=True)
class Periods:
    """Year ranges (inclusive) of the three periods, and the event-study reference year."""

    pre: tuple[int, int] = (2018, 2019)
    refocusing: tuple[int, int] = (2020, 2021)
    post: tuple[int, int] = (2022, 2023)
    reference_year: int = 2019

    def of(self, year: int) -> str | None:
        """Name of the period holding ``year``, or None.

        >>> Periods().of(2020), Periods().of(2023), Periods().of(2017)
        ('refocusing', 'post', None)
        """
        for name in ("pre", "refocusing", "post"):
            lo, hi = getattr(self, name)
            if lo <= year <= hi:
                return name
        return None

    @property
    def names(self) -> tuple[str, str, str]:
        return ("pre", "refocusing", "post")

    def years(self, name: str) -> list[int]:
        lo, hi = getattr(self, name)
        return list(range(lo, hi + 1))


#: the seed of every random draw (bootstraps, the demo data) unless a setting or option says otherwise
DEFAULT_SEED = 20200401


@dataclass(frozen=True)
class Settings:
    """All analysis choices. Defaults follow DESIGN.md section 4.

    >>> s = Settings()
    >>> s.negative_formula, s.cap, s.band_scheme
    ('(2T-R)/T', None, 'default')
    """

    periods: Periods = field(default_factory=Periods)
    #: default formula for negative polarity; a per-row ``formula`` column overrides it
    negative_formula: NegativeFormula = "(2T-R)/T"
    #: cap capaian at this value (e.g. 120); None = no cap (the default)
    cap: float | None = None
    band_scheme: str = "default"
    #: every known band scheme: name -> [(lower bound, band key), ...] from the top band down
    band_schemes: dict = field(default_factory=lambda: dict(BAND_SCHEMES))
    #: which target achievement is computed against: the (possibly APBD-P revised) PK target, or the
    #: original murni target where one is given
    target_basis: Literal["revised", "original"] = "revised"
    lang: Lang = "en"
    seed: int = DEFAULT_SEED
    n_bootstrap: int = 999

    def __post_init__(self):
        check_option("negative_formula", self.negative_formula, ("(2T-R)/T", "T/R"))
        check_option("band_scheme", self.band_scheme, tuple(self.band_schemes))
        check_option("lang", self.lang, ("en", "id"))
        check_option("target_basis", self.target_basis, ("revised", "original"))

    @property
    def bands(self) -> list[tuple[float, str]]:
        return self.band_schemes[self.band_scheme]

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)


def for_page(config_file: str = "", *, periods: str = "", **overrides) -> Settings:
    """The settings of a report page from its parameters: the settings file (empty: none), then the
    page's ``periods`` text (empty: the file's or the defaults) and the other ``overrides`` (lang, ...).

    >>> for_page(periods="2017-2019,2020-2021,2022-2024", lang="id").periods.pre
    (2017, 2019)
    """
    if periods:
        overrides["periods"] = parse_periods(periods)
    return load(config_file or None, **overrides)


def load(path: str | Path | None = None, **overrides) -> Settings:
    """Read settings from a TOML file's ``[settings]`` table (or the file's top level), then apply overrides."""
    values: dict = {}
    if path:
        p = Path(path)
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{p}: cannot read settings: {exc}") from exc
        values = dict(doc.get("settings", {}))
    values.update({k: v for k, v in overrides.items() if v is not None})
    periods = values.pop("periods", None)
    extra = values.pop("band_schemes", None) or {}
    if extra:
        schemes = dict(BAND_SCHEMES)
        for name, spec in extra.items():
            try:
                lower = [float(x) for x in spec["lower"]]
                keys = [str(x) for x in spec["keys"]]
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(
                    f"band scheme {name!r}: needs 'lower' (numbers) and 'keys' (names)"
                ) from exc
            if len(lower) != len(keys) or lower != sorted(lower, reverse=True):
                raise ConfigError(f"band scheme {name!r}: 'lower' must be as long as 'keys' and descending")
            lower[-1] = float("-inf")
            schemes[name] = list(zip(lower, keys))
        values["band_schemes"] = schemes
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(
            f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
        )
    if isinstance(periods, dict):
        periods = Periods(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in periods.items()})
    if periods is not None:
        values["periods"] = periods
    return Settings(**values)


def parse_periods(text: str, reference_year: int | None = None) -> Periods:
    """Periods from the notebooks' ``periods`` parameter: "pre,refocusing,post" as year ranges.

    >>> parse_periods("2018-2019,2020-2021,2022-2023").post
    (2022, 2023)
    >>> parse_periods("2017-2019,2020-2020,2021-2023").refocusing
    (2020, 2020)
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 3:
        raise ConfigError(
            f"periods must be three year ranges 'pre,refocusing,post', e.g. "
            f"'2018-2019,2020-2021,2022-2023'; found {text!r}"
        )
    ranges = []
    for p in parts:
        try:
            lo, _, hi = p.partition("-")
            ranges.append((int(lo), int(hi or lo)))
        except ValueError as exc:
            raise ConfigError(f"bad year range {p!r} in periods {text!r}") from exc
    for a, b in ranges:
        if a > b:
            raise ConfigError(f"bad year range {a}-{b} in periods {text!r}")
    if not (ranges[0][1] < ranges[1][0] and ranges[1][1] < ranges[2][0]):
        raise ConfigError(f"periods must be in order and not overlap: {text!r}")
    ref = reference_year if reference_year is not None else ranges[0][1]
    return Periods(pre=ranges[0], refocusing=ranges[1], post=ranges[2], reference_year=ref)
