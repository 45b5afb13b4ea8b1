"""Helpers shared by the viewer tests: quick bundled runs, synthetic results, pixel probes."""

import functools

import numpy as np

from orbital.kinds import kind_spec
from orbital.result import Event, Result, Table, Trajectory

#: Overrides that keep each bundled run short in tests (the look is the same).
QUICK = {
    "iss_orbit": ["duration=2 h"],
    "soyuz_footprint": ["n_samples=40"],
    "gordon_adrift": ["duration=20 min"],
    "let_it_fall": ["window=6 h", "step=15 min"],
}


@functools.lru_cache(maxsize=None)
def bundled_result(name):
    """The Result of a bundled scenario, shortened by QUICK, computed once per test session."""
    from orbital.runners import run_scenario
    from orbital.io.scenario import load

    return run_scenario(load(name, QUICK.get(name, [])))


def canvas_xy(visual, point):
    """Canvas pixel (x right, y down) where ``point`` (in the visual's own coordinates) is drawn."""
    mapped = visual.get_transform("visual", "canvas").map(np.asarray(point, dtype=float))
    return mapped[:2] / mapped[3]


def near_colour(image, xy, rgba, radius=3, tolerance=60):
    """True if some pixel within ``radius`` of ``xy`` is within ``tolerance`` (sum of |RGB| in 0-255) of ``rgba``."""
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = image[max(y - radius, 0) : y + radius + 1, max(x - radius, 0) : x + radius + 1, :3].astype(int)
    target = (np.asarray(rgba[:3]) * 255).astype(int)
    return patch.size > 0 and bool((np.abs(patch - target).sum(axis=-1) <= tolerance).any())


def boxes_overlap(a, b):
    """True if the canvas boxes ``a`` and ``b`` (x, y, width, height in px) share some area."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def text_box(text):
    """The canvas box (x, y, width, height in px) a HUD text covers."""
    (x, y), (w, h) = text.corner, text.size
    return x, y, w, h


def circular_orbit_gcrs(t_s, radius_m=6.79e6, inclination_deg=51.6):
    """States (N, 6) of a circular orbit in GCRS, starting at the ascending node."""
    n = np.sqrt(3.986004418e14 / radius_m**3)
    u = n * np.asarray(t_s, float)
    inc = np.radians(inclination_deg)
    r = radius_m * np.column_stack([np.cos(u), np.sin(u) * np.cos(inc), np.sin(u) * np.sin(inc)])
    v = radius_m * n * np.column_stack([-np.sin(u), np.cos(u) * np.cos(inc), np.cos(u) * np.sin(inc)])
    return np.hstack([r, v])


def synthetic_decay_result():
    """A decay_reentry Result by the contract: months of altitude history, a one-day window track."""
    history_t = np.linspace(0.0, 90 * 86400.0, 91)
    altitude = np.column_stack([np.linspace(300e3, 120e3, 91), np.linspace(310e3, 125e3, 91)])
    nominal_s = 89.5 * 86400.0
    track_t = np.arange(nominal_s - 3 * 3600.0, nominal_s + 3 * 3600.0, 130.0)  # nominal between samples
    phase = 2 * np.pi * (track_t - nominal_s) / 5300.0
    lat = 51.6 * np.sin(phase)
    lon = (np.degrees(phase) * 0.93 - (track_t - nominal_s) * 360.0 / 86164.0 + 30.0 + 180.0) % 360.0 - 180.0
    track = np.column_stack([track_t, lat, lon, np.full(track_t.size, 120e3)])
    scene = {
        "nominal_reentry_wgs84": {"lat_deg": 0.0, "lon_deg": 30.0},
        "reentry_time_s": nominal_s,
        "window_start_s": float(track_t[0]),
        "window_end_s": float(track_t[-1]),
        "inclination_deg": 51.6,
    }
    trajectories = {"altitude": Trajectory(None, ("perigee", "apogee"), ("m", "m"), altitude)}
    tables = {"window_track": Table(("t", "lat", "lon", "alt"), ("s", "deg", "deg", "m"), track, "wgs84", "the window's ground track", "t")}
    events = [Event(nominal_s, "reentry", "nominal reentry")]
    display = kind_spec("decay_reentry").display
    return Result("decay_test", "decay_reentry", "2026-11-25T00:00:00", history_t, trajectories, events, {}, scene=scene, tables=tables, display=display)


def synthetic_arm_result(n=121, links=7):
    """An arm_rescue Result by the contract: the arm swings its tip from one side to the other."""
    t = np.linspace(0.0, 600.0, n)
    station = circular_orbit_gcrs(t)
    swing = np.linspace(0.0, np.pi / 2, n)
    base = np.array([3.0, 0.0, 10.0])
    points = []
    for k in range(links + 1):
        reach = 2.5 * k
        points.append(np.column_stack([base[0] + reach * np.cos(swing), base[1] + reach * np.sin(swing), np.full(n, base[2])]))
    arm_points = np.hstack(points)
    tip = points[-1]
    tip_state = np.hstack([tip, np.gradient(tip, t, axis=0)])
    astronaut = tip_state + np.array([0.5, 0.0, 0.0, 0.0, 0.0, 0.0])
    columns = tuple(f"p{k}_{axis}" for k in range(links + 1) for axis in "xyz")
    trajectories = {
        "station": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, station),
        "astronaut": Trajectory("lvlh", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, astronaut),
        "arm_joints": Trajectory("joint", tuple(f"q{k}" for k in range(1, 8)), ("rad",) * 7, np.tile(swing[:, None], (1, 7))),
        "arm_points": Trajectory("lvlh", columns, ("m",) * len(columns), arm_points),
        "arm_tip": Trajectory("lvlh", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, tip_state),
    }
    scene = {"arm_base_lvlh_m": base.tolist(), "airlock_lvlh_m": [0.0, -2.0, 4.0], "capture_radius_m": 1.0}
    events = [Event(300.0, "capture", "astronaut captured by the arm")]
    display = kind_spec("arm_rescue").display
    return Result("arm_test", "arm_rescue", "2026-11-25T00:00:00", t, trajectories, events, {}, scene=scene, display=display)
