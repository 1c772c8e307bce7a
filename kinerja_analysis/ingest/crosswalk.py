"""The OPD crosswalk: renamed or merged OPDs mapped to their current name, one implementation for all.

``opd_crosswalk.csv`` maps ``opd_old`` to ``opd_new`` within a region. A name is followed through the
whole chain, so a real A -> B -> C history (renamed in 2019, merged in 2021) ends at C for every year,
never split between B and C. A row mapping a name to itself changes nothing; a chain that comes back
to an earlier name (A -> B -> A) is a :class:`~kinerja_analysis.errors.DataError` naming the chain.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError


def lookup(crosswalk: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """``{(region_code, opd_old): opd_new}`` of a crosswalk table (text keys; a later row wins).

    >>> lookup(pd.DataFrame({"region_code": ["99.01"], "opd_old": ["A"], "opd_new": ["B"]}))
    {('99.01', 'A'): 'B'}
    """
    if crosswalk is None or len(crosswalk) == 0:
        return {}
    return {
        (str(r), str(o)): str(n)
        for r, o, n in crosswalk[["region_code", "opd_old", "opd_new"]].itertuples(index=False)
    }


def resolve(region: str, name, table: dict[tuple[str, str], str]):
    """The current name of OPD ``name`` in ``region``: the crosswalk followed until it stops.

    ``name`` comes back unchanged when the crosswalk does not list it.

    >>> t = {("99.01", "A"): "B", ("99.01", "B"): "C"}
    >>> resolve("99.01", "A", t), resolve("99.01", "C", t), resolve("99.02", "A", t)
    ('C', 'C', 'A')
    >>> resolve("99.01", "A", {("99.01", "A"): "B", ("99.01", "B"): "A"})
    Traceback (most recent call last):
    ...
    kinerja_analysis.errors.DataError: opd_crosswalk: the renames of region 99.01 go round in a circle \
(A -> B -> A); each OPD must end at one current name
    """
    key = (str(region), str(name))
    if key not in table:
        return name
    chain = [key[1]]
    current = key[1]
    while (key[0], current) in table:
        nxt = table[(key[0], current)]
        if nxt == current:  # a row mapping a name to itself changes nothing
            break
        if nxt in chain:
            path = " -> ".join(chain[chain.index(nxt) :] + [nxt])
            raise DataError(
                f"opd_crosswalk: the renames of region {key[0]} go round in a circle ({path}); "
                "each OPD must end at one current name"
            )
        chain.append(nxt)
        current = nxt
    return current


def map_names(region_codes, names, crosswalk: pd.DataFrame | None) -> list:
    """Each OPD name mapped through the crosswalk within its region (names not listed unchanged).

    >>> cw = pd.DataFrame({"region_code": ["99.01", "99.01"], "opd_old": ["A", "B"], "opd_new": ["B", "C"]})
    >>> map_names(["99.01", "99.01", "99.02"], ["A", "B", "A"], cw)
    ['C', 'C', 'A']
    """
    table = lookup(crosswalk)
    if not table:
        return list(names)
    return [resolve(r, n, table) for r, n in zip(region_codes, names, strict=True)]


def apply(df: pd.DataFrame, crosswalk: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of ``df`` with ``opd`` mapped to the current names; the name as given stays in ``opd_raw``.

    >>> k = pd.DataFrame({"region_code": ["99.01", "99.01"], "opd": ["Dinas A", "Dinas B"]})
    >>> cw = pd.DataFrame({"region_code": ["99.01"], "opd_old": ["Dinas A"], "opd_new": ["Dinas AB"]})
    >>> apply(k, cw)[["opd_raw", "opd"]].values.tolist()
    [['Dinas A', 'Dinas AB'], ['Dinas B', 'Dinas B']]
    """
    out = df.copy()
    if "opd_raw" not in out.columns:
        out["opd_raw"] = out["opd"]
    if crosswalk is None or crosswalk.empty:
        return out
    out["opd"] = map_names(out["region_code"], out["opd_raw"], crosswalk)
    return out
