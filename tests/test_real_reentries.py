"""Real uncontrolled reentries replayed from public TLEs under the observed Sun (``space_weather: forecast``).

Each case: a TLE days to weeks before the reentry (tests/data/reentry_tles.txt, sources there),
the drag body from published dimensions and mass, tumbling: the mean projected area of a
randomly tumbling convex body is a quarter of its surface (Cauchy), a flat panel's half its one
face; Cd 2.2 (REFERENCES.md). The prediction must fall within the IADC-style window: the actual
time to go +-20 % (316 IADC campaigns: +-20 % held about 90 % of outcomes, Pardini & Anselmo;
REFERENCES.md). The drag areas were set from the dimensions before any run and not changed.
"""

import math
from pathlib import Path

import numpy as np
import pytest

from orbital.earth.constants import DAY_S
from orbital.io import scenario as S
from orbital.kinds.decay_reentry import run_nominal

TLES = Path(__file__).with_name("data") / "reentry_tles.txt"


def _tle(name):
    """The name line and two element lines of ``name`` in :data:`TLES`."""
    lines = [line.rstrip() for line in TLES.read_text().splitlines() if line.strip() and not line.startswith("#")]
    k = lines.index(name)
    return "\n".join(lines[k : k + 3])


def tumbling_cylinder_area_m2(length_m, diameter_m):
    """Mean projected area (m^2) of a randomly tumbling closed cylinder: a quarter of its surface."""
    r = diameter_m / 2.0
    return (2.0 * math.pi * r * length_m + 2.0 * math.pi * r * r) / 4.0


#: name in TLES: (mass kg, drag area m2, actual reentry UTC, where those come from)
CASES = {
    # Tiangong-1: main body 10.4 m long, 3.35 m in diameter, 8.5 t; two solar panels of 7 m x 3 m
    # (Lin et al. 2019, Earth Planets Space 71:55, "Tiangong-1's accelerated self-spin before
    # reentry", their Fig. 1). Area 31.8 (body) + 2 x 21 / 2 (panels) = 52.8 m2.
    # Reentry 2018-04-02 00:16 UTC +-1 min (JSpOC / 18th Space Control Squadron decay message).
    "TIANGONG 1": (8500.0, tumbling_cylinder_area_m2(10.4, 3.35) + 21.0, "2018-04-02T00:16"),
    # Long March 5B core stage: 33.2 m x 5.0 m, dry mass 17.8 to 21 t in the published figures
    # (press releases of CMSA and the estimates of The Aerospace Corporation and J. McDowell): 20 t.
    # Tumbling cylinder: 140 m2. 2020-027C: reentry 2020-05-11 15:33 UTC, over the Atlantic off
    # West Africa (18th Space Control Squadron: 08:33 PDT).
    "CZ-5B R/B 2020": (20000.0, tumbling_cylinder_area_m2(33.2, 5.0), "2020-05-11T15:33"),
    # 2021-035B: reentry 2021-05-09 02:24 UTC over the Indian Ocean (CMSA: 10:24 Beijing time;
    # US Space Command: 02:15 UTC, the same within the tolerance by far).
    "CZ-5B R/B 2021": (20000.0, tumbling_cylinder_area_m2(33.2, 5.0), "2021-05-09T02:24"),
    # Kosmos 482's Venera lander: a sphere about 1 m across, 495 kg (M. Langbroek, Delft
    # University of Technology, as quoted in the reports of May 2025): 0.785 m2 whatever its
    # attitude. Reentry 2025-05-10 06:24 UTC, Indian Ocean west of Jakarta (Roscosmos; EU SST:
    # 06:04 UTC +-20 min). Two sets: 494 and 128 days out, e = 0.083 and 0.046; the first one
    # is in the README's table only (+34 %, a miss; a 90-second run).
    "COSMOS 482 DESCENT CRAFT 2024": (495.0, math.pi * 0.5**2, "2025-05-10T06:24"),
    "COSMOS 482 DESCENT CRAFT 2025": (495.0, math.pi * 0.5**2, "2025-05-10T06:24"),
}


def replay(name):
    """``(predicted, actual)`` time to go (days) of the case ``name``."""
    mass_kg, area_m2, actual_utc = CASES[name]
    scenario = S.validate({
        "kind": "decay_reentry", "name": name.lower().replace(" ", "_").replace("/", ""),
        "object": {"tle": _tle(name), "mass": mass_kg, "drag_area": area_m2, "drag_coefficient": 2.2},
        "atmosphere": {"model": "nrlmsis", "space_weather": "forecast"},
        # rtol 1e-7 instead of 1e-9: 5 times fewer steps; measured on these cases, the lifetime moves
        # by under a minute (Kosmos 482 2025: 151.2469 against 151.2474 days)
        "track_step": 600, "rtol": 1e-7,
    })
    result = run_nominal(scenario)
    epoch = np.datetime64(result.epoch_utc.rstrip("Z"), "ms")
    actual_days = (np.datetime64(actual_utc, "ms") - epoch) / np.timedelta64(1, "s") / DAY_S
    return result.summary["lifetime_days"], actual_days


def test_the_tumbling_area_of_a_cylinder():
    # a cube-like cylinder (L = D = 2 m): surface 6 pi, tumbling area 1.5 pi = 4.71 m2
    assert tumbling_cylinder_area_m2(2.0, 2.0) == pytest.approx(1.5 * math.pi)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["CZ-5B R/B 2020", "CZ-5B R/B 2021"])
def test_rocket_body_reentry_within_20_percent_of_the_time_to_go(name):
    predicted, actual = replay(name)
    assert abs(predicted - actual) <= 0.2 * actual, f"predicted {predicted:.2f} d, actual {actual:.2f} d to go"


@pytest.mark.slow
def test_satellite_reentry_within_20_percent_of_the_time_to_go():
    predicted, actual = replay("COSMOS 482 DESCENT CRAFT 2025")
    assert abs(predicted - actual) <= 0.2 * actual, f"predicted {predicted:.2f} d, actual {actual:.2f} d to go"


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known miss: 45 days out in the deep solar minimum of 2018, issim predicts 27.5 days (-39 %); "
    "with the area fitted to the TLE's own decay rate (24 m2) it predicts 60.5 days (+33 %): "
    "the decay's course, not only its start, differs (attitude? NRLMSIS at solar minimum?)",
)
def test_station_reentry_within_20_percent_of_the_time_to_go():
    predicted, actual = replay("TIANGONG 1")
    assert abs(predicted - actual) <= 0.2 * actual, f"predicted {predicted:.2f} d, actual {actual:.2f} d to go"
