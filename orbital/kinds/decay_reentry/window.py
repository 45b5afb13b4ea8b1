"""The reentry prediction window and its ground-track swath, as numbers and as GeoJSON.

The window is the nominal remaining lifetime plus or minus a fraction of it
(20 % by default): in 316 IADC reentry campaigns a +-20 % window held about
90 % of the actual reentries (Pardini & Anselmo; /work/shared/REFERENCES.md).
The swath is the ground track flown during the window; it can never leave the
latitude band the inclination allows.
"""

import json
import math

import numpy as np

from orbital.earth.constants import WGS84_FLATTENING


def prediction_window_s(lifetime_s, fraction):
    """``(start_s, end_s)``: the nominal lifetime (s) plus or minus ``fraction`` of it."""
    return (1.0 - fraction) * lifetime_s, (1.0 + fraction) * lifetime_s


def utc_iso(epoch_time, t_s):
    """The instant ``t_s`` seconds after ``epoch_time`` (astropy Time), UTC ISO 8601 text."""
    from astropy.time import TimeDelta

    from orbital.earth.frames import quiet_time_scales

    with quiet_time_scales():
        return (epoch_time + TimeDelta(t_s, format="sec")).utc.isot


def track_times_s(start_s, end_s, step_s, max_samples):
    """Evenly spaced times from ``start_s`` to ``end_s`` inclusive: a whole number of steps
    of at most ``step_s`` (s), widened so that there are at most ``max_samples`` times."""
    span = end_s - start_s
    n = int(math.ceil(span / step_s)) + 1
    return np.linspace(start_s, end_s, max(2, min(n, max_samples)))


def latitude_band_deg(inclination_rad):
    """Highest geodetic latitude (deg) a ground track of this inclination reaches.

    The geocentric latitude peaks at i (or 180 deg - i); on the WGS84 ellipsoid the
    geodetic latitude there is atan(tan(i) / (1 - f)^2), about 0.18 deg more at 51.6 deg.
    """
    top = min(inclination_rad, math.pi - inclination_rad)
    return math.degrees(math.atan(math.tan(top) / (1.0 - WGS84_FLATTENING) ** 2))


def split_at_antimeridian(lon_deg, lat_deg):
    """A track as a list of ``[[lon, lat], ...]`` pieces that never cross +-180 deg.

    Where consecutive points jump by more than 180 deg in longitude, the piece
    ends on the antimeridian (latitude interpolated) and the next starts on the
    other side of it.
    """
    lon, lat = np.asarray(lon_deg, dtype=float), np.asarray(lat_deg, dtype=float)
    if lon.size == 0:
        return []
    pieces, start, head = [], 0, []
    for k in np.nonzero(np.abs(np.diff(lon)) > 180.0)[0]:
        edge = 180.0 if lon[k] > 0.0 else -180.0
        lon_next = lon[k + 1] + (360.0 if edge > 0.0 else -360.0)  # the next point, unwrapped
        lat_edge = lat[k] + (edge - lon[k]) / (lon_next - lon[k]) * (lat[k + 1] - lat[k])
        pieces.append(head + np.column_stack([lon[start : k + 1], lat[start : k + 1]]).tolist() + [[edge, lat_edge]])
        start, head = k + 1, [[-edge, lat_edge]]
    pieces.append(head + np.column_stack([lon[start:], lat[start:]]).tolist())
    return [piece for piece in pieces if len(piece) >= 2]


def _finite_pieces(lon_deg, lat_deg):
    """:func:`split_at_antimeridian` of each run of finite samples (a gap where any is not)."""
    lon, lat = np.asarray(lon_deg, dtype=float), np.asarray(lat_deg, dtype=float)
    finite = np.isfinite(lon) & np.isfinite(lat)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(np.int8), [0]])))
    pieces = []
    for start, stop in zip(edges[::2], edges[1::2]):
        pieces += split_at_antimeridian(lon[start:stop], lat[start:stop])
    return pieces


def _rounded(pieces, digits=4):
    return [[[round(x, digits), round(y, digits)] for x, y in piece] for piece in pieces]


def track_geojson(t_s, lat_deg, lon_deg, reentry_time_s, nominal_lat_deg, nominal_lon_deg, properties):
    """GeoJSON FeatureCollection text of the window's ground track.

    Features: ``before`` (window start to the nominal reentry) and ``after``
    (nominal to window end), each a MultiLineString split at the antimeridian,
    with ``t_start_s``/``t_end_s`` (s since the epoch); and the ``nominal``
    reentry point. ``properties`` (JSON-able, finite) go on the collection. Non-finite
    track samples are left out (the line breaks there).
    """
    t_s = np.asarray(t_s, dtype=float)
    features = []
    for part, mask in (("before", t_s <= reentry_time_s), ("after", t_s >= reentry_time_s)):
        if np.count_nonzero(mask) < 2:
            continue
        pieces = _finite_pieces(np.asarray(lon_deg)[mask], np.asarray(lat_deg)[mask])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiLineString", "coordinates": _rounded(pieces)},
                "properties": {"part": part, "t_start_s": float(t_s[mask][0]), "t_end_s": float(t_s[mask][-1])},
            }
        )
    features.append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(nominal_lon_deg, 5), round(nominal_lat_deg, 5)]},
            "properties": {"part": "nominal", "t_s": float(reentry_time_s)},
        }
    )
    # RFC 8259 JSON: no NaN or Infinity anywhere (a non-finite number raises here, never reaches a file)
    return json.dumps({"type": "FeatureCollection", "properties": properties, "features": features}, allow_nan=False)
