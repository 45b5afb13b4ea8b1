"""Landing points as files any map or table program opens: CSV rows and GeoJSON point features
(shared by the kinds that write landing points: ``reentry_footprint``, ``deorbit_opportunities``)."""

import csv
import io
import json
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
