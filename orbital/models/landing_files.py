"""Landing points as files any map or table program opens: CSV rows and GeoJSON point features
(shared by the kinds that write landing points: ``reentry_footprint``, ``deorbit_opportunities``).

Row by row (:func:`csv_text`, :func:`point_feature`) for a few hundred points; column by column
(:func:`csv_columns_text`, :func:`point_features_text`) for many: the same bytes, each row one
string format of its cells, without a dict or a ``csv`` call per point (10,000 points in some
0.05 s rather than 0.5 s).
"""

import csv
import io
import json
import re
from typing import Any, Iterable, Mapping, Sequence

import numpy as np


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a header: floats to 6 decimals, None as an empty cell, anything else as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([f"{v:.6f}" if isinstance(v, (float, np.floating)) else ("" if v is None else v) for v in row])
    return buffer.getvalue()


def point_feature(lat_deg: float, lon_deg: float, properties: Mapping[str, Any]) -> dict:
    """A GeoJSON point feature (RFC 7946: [lon, lat], to 6 decimals, about 0.1 m); floats in the
    properties to 4 decimals, numpy integers as ints."""

    def plain(v):
        if isinstance(v, (float, np.floating)):
            return round(float(v), 4)
        return int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else v

    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(float(lon_deg), 6), round(float(lat_deg), 6)]},
        "properties": {k: plain(v) for k, v in properties.items()},
    }


def feature_collection(features: Iterable[dict]) -> str:
    """A GeoJSON FeatureCollection as text, one line."""
    return json.dumps({"type": "FeatureCollection", "features": list(features)}) + "\n"


def decimal_cells(values: np.ndarray, places: int = 6) -> list[str]:
    """Each float to ``places`` decimals, NaN as an empty cell: what :func:`csv_text` writes for a
    float and for None."""
    cells = list(map(f"%.{places}f".__mod__, np.asarray(values, dtype=float).tolist()))
    for i in np.flatnonzero(np.isnan(values)).tolist():
        cells[i] = ""
    return cells


def csv_columns_text(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """CSV with a header from columns of cells already written as text (none needing quotes: numbers,
    plain words): what :func:`csv_text` writes for the same rows."""
    return "\n".join([",".join(columns), *map(",".join, zip(*cells))]) + "\n"


#: trailing zeros of a number written with fixed decimals: ``12.5000`` -> ``12.5``, ``3.0000`` -> ``3.0``
_TRAILING_ZEROS, _ZERO_DECIMALS = re.compile(r"(\.\d*?[1-9])0+$", re.M), re.compile(r"\.0+$", re.M)


def _json_rounded(values: np.ndarray, places: int) -> list[str]:
    """``json.dumps(round(v, places))`` of each float (places <= 4: no exponent below 1e-4 arises),
    from one fixed-decimal pass over the column with its trailing zeros cut; the same text as the
    shortest repr of the rounded float for magnitudes under 1e11."""
    values = np.asarray(values, dtype=float)
    text = "\n".join(map(f"%.{places}f".__mod__, values.tolist()))
    cells = _ZERO_DECIMALS.sub(".0", _TRAILING_ZEROS.sub(r"\1", text)).split("\n")
    for i in np.flatnonzero(~np.isfinite(values) | (np.abs(values) >= 1e11)).tolist():
        cells[i] = json.dumps(round(float(values[i]), places))
    return cells


def point_features_text(lat_deg: np.ndarray, lon_deg: np.ndarray, properties: Mapping[str, Any]) -> list[str]:
    """Each point's feature as JSON text, byte for byte what ``json.dumps(point_feature(...))`` gives:
    ``properties`` maps a name to a column (one value a point) of floats (to 4 decimals), of
    integers, or a list of strings."""
    cells = [[repr(round(v, 6)) for v in np.asarray(lon_deg, dtype=float).tolist()],
             [repr(round(v, 6)) for v in np.asarray(lat_deg, dtype=float).tolist()]]
    for column in properties.values():
        if isinstance(column, np.ndarray) and column.dtype.kind == "f":
            cells.append(_json_rounded(column, 4))
        elif isinstance(column, np.ndarray) and column.dtype.kind in "iu":
            cells.append(list(map(str, column.tolist())))
        else:
            known = {text: json.dumps(text) for text in set(column)}
            cells.append([known[text] for text in column])
    named = ", ".join(f"{json.dumps(name)}: %s" for name in properties)
    form = '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [%s, %s]}, "properties": {' + named + "}}"
    return [form % row for row in zip(*cells)]


def feature_collection_text(features: Iterable[str]) -> str:
    """:func:`feature_collection` of features already written as JSON text."""
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}\n"
