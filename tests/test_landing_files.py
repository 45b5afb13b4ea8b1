"""The landing files written column by column (orbital.models.landing_files, the footprint's
landings.csv, .geojson and .kml) are byte for byte what the row-by-row writers give, on a small
footprint's data with a sample that did not land; and they parse."""

import json
from xml.etree import ElementTree

import numpy as np

from orbital.kinds.reentry_footprint import COLUMNS, LANDINGS_COLUMNS, SAMPLES_COLUMNS, _columns, to_csv, to_geojson, to_kml
from orbital.models.landing_files import (csv_columns_text, csv_text, decimal_cells, feature_collection, feature_collection_text, integer_cells,
                                          point_feature, point_features_text)


def _footprint_data(n=12, not_landed=(3, 7), seed=4):
    """Landings and samples arrays as a footprint's run has them, samples ``not_landed`` missing."""
    rng = np.random.default_rng(seed)
    samples = np.column_stack([np.arange(n), rng.normal(128.0, 0.1, n), rng.normal(0.0, 2e-3, n), rng.normal(0.0, 2e-3, n),
                               rng.normal(3000.0, 1.0, n), rng.lognormal(0.0, 0.05, n), rng.normal(1.3, 0.04, n),
                               rng.normal(0.3, 0.01, n), rng.normal(2900.0, 20.0, n)])
    landed = np.setdiff1d(np.arange(n), not_landed)
    m = len(landed)
    landings = np.column_stack([rng.uniform(46.0, 52.0, m), rng.uniform(64.0, 72.0, m), rng.random(m) > 0.3, rng.uniform(3.0, 9.0, m),
                                rng.uniform(2e5, 6e5, m), rng.uniform(2.0, 8.0, m), landed, rng.uniform(5000.0, 6000.0, m)])
    assert landings.shape[1] == len(LANDINGS_COLUMNS) and samples.shape[1] == len(SAMPLES_COLUMNS)
    return landings, samples


def _rows_one_by_one(landings, samples):
    """The rows as the footprint wrote them before its columns (a tuple per sample, None where it did not land)."""
    L, S = (dict(zip(names, range(len(names)))) for names in (LANDINGS_COLUMNS, SAMPLES_COLUMNS))
    row_of = {int(r[L["sample"]]): r for r in landings}
    rows = []
    for i, s in enumerate(samples):
        inputs = tuple(s[S[k]] for k in ("burn_dv", "burn_start", "density_scale", "cd_hypersonic", "lift_to_drag", "module_mass", "burn_pitch", "burn_yaw"))
        r = row_of.get(i)
        rows.append((i, None, None, "not_landed", None, None, None, None, *inputs) if r is None else
                    (i, r[L["lat"]], r[L["lon"]], "land" if r[L["on_land"]] else "water", r[L["peak_g"]], r[L["peak_heat_flux"]] / 1e3,
                     r[L["touchdown_speed"]], r[L["t_touchdown"]] - s[S["burn_start"]], *inputs))
    return rows


def test_the_footprint_files_are_the_row_by_row_text():
    landings, samples = _footprint_data()
    rows = _rows_one_by_one(landings, samples)
    columns, landed = _columns(landings, samples)
    assert list(columns) == list(COLUMNS) and landed.sum() == len(landings)
    assert to_csv(columns) == csv_text(COLUMNS, rows)
    summary = {"landing_mean_lat_deg": 49.1, "landing_mean_lon_deg": 67.2, "ellipse_probability": 0.95, "ellipse_major_km": 40.0, "ellipse_minor_km": 9.0}
    ring = (np.array([49.0, 49.2, 49.0]), np.array([67.0, 67.3, 67.0]))
    geojson = to_geojson(columns, landed, summary, ring)
    points = [point_feature(r[1], r[2], {k: v for k, v in zip(COLUMNS, r) if k not in ("lat_deg", "lon_deg")}) for r in rows if r[1] is not None]
    parsed = json.loads(geojson)
    assert geojson == feature_collection(points + parsed["features"][-2:])
    assert len(parsed["features"]) == len(landings) + 2
    kml = to_kml(columns, landed, "probe & co", ring)
    placemarks = ElementTree.fromstring(kml.split("\n", 1)[1]).iter("{http://www.opengis.net/kml/2.2}Placemark")
    assert len(list(placemarks)) == len(landings) + 1
    first = rows[0]
    assert f"<Placemark><name>0</name><description>{first[3]}, {first[4]:.2f} g</description><Point><coordinates>{first[2]:.6f},{first[1]:.6f},0</coordinates>" in kml


def test_the_column_writers_match_the_row_writers_at_the_edges():
    # rounding to 4 decimals around zero (-0.0), tiny and huge values, exponents in the coordinates
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(size=2000) * 10.0 ** rng.integers(-7, 6, 2000),
                             [0.0, -0.0, 5e-5, -5e-5, 1.5e-4, 1e-4, 0.5, 2.5, 1e12, -3.99995, 12345.00005, np.nan, np.inf]])
    n = len(values)
    lat, lon = rng.uniform(-90.0, 90.0, n), rng.uniform(-180.0, 180.0, n)
    lon[:4] = [0.0, 1e-7, -5e-5, 180.0]
    properties = {"sample": np.arange(n), "landed_on": ["land" if b else "water" for b in rng.random(n) > 0.5], "x": values}
    text = point_features_text(lat, lon, properties)
    features = [point_feature(lat[i], lon[i], {k: v[i] for k, v in properties.items()}) for i in range(n)]
    assert text == ", ".join(map(json.dumps, features))
    assert feature_collection_text([point_features_text(lat[:3], lon[:3], {k: v[:3] for k, v in properties.items()}), ""]) == feature_collection(features[:3])
    finite = np.where(np.isfinite(values), values, np.nan)
    assert csv_columns_text(("a", "b"), [decimal_cells(finite), integer_cells(np.arange(n) - 5)]) == \
        csv_text(("a", "b"), [(None if np.isnan(x) else x, i - 5) for i, x in enumerate(finite)])
    assert csv_columns_text(("a", "b"), [decimal_cells(finite[:0]), integer_cells(np.arange(0))]) == csv_text(("a", "b"), [])  # no rows
