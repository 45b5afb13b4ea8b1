"""An uncertain reentry window: the decay flown by an ensemble of members whose air density, drag
area and mass are drawn from distributions (the scenario's ``uncertainty:`` section), run through
:mod:`orbital.engine`; the window is the 5 to 95 % percentiles of the members' reentry times.

Each uncertain input is its nominal value times a log-normal factor ``exp(sigma z)``, ``z`` standard
normal: positive for any sigma (a density, an area, a mass cannot go negative), its median the
nominal (the median member flies the nominal decay, to first order), and multiplicative, as density
errors are quoted (a factor of 2 at solar maximum). As the lifetime goes as m / (Cd A rho), its
logarithm is near normal with ``sigma^2 = sigma_density^2 + sigma_area^2 + sigma_mass^2``.
Member ``k`` draws its three ``z`` (density, area, mass, in that order) from
:func:`orbital.engine.sample_rng` ``(seed, k)``: a member is the same however the members are
chunked and wherever they run.

The swath weighted by probability is the members' reentry points: the ``samples`` table holds one
row per member, each equally likely (its drawn inputs in SI, its reentry time and point). Chosen
over the nominal track across the 5-95 % window weighted by the density of reentry times: each
member reenters on its own track (a decay a day shorter is elsewhere on its orbit at any given
time), which the points hold and a reweighted nominal track does not, and the points need no
kernel width. Over a window of months they spread along the whole latitude band; the share over
land (``ensemble_p_over_land``) is the chance of a reentry over land.
"""

from typing import Literal, Optional

import numpy as np
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from orbital.analysis.sensitivity import add_to_result
from orbital.engine import SCHEDULER_EXPECTED, check_scheduler, chunk_ranges, run_chunks, sample_rng
from orbital.errors import InfeasibleScenario, SchedulerError
from orbital.kind_contract import SummaryKey
from orbital.result import Event, Table
from orbital.schema import Integer, Number, StrictModel

#: Fewest members: the 5 % and 95 % percentiles of fewer than 20 are the extreme members themselves.
MIN_MEMBERS = 20
#: Most members: a year-long decay takes about a second per member on one core (10,000: hours).
MAX_MEMBERS = 10_000
#: The tasks an ensemble is cut into, at most (more members: several per task).
MAX_TASKS = 64
#: Percentiles of the reentry time reported (the 90 % window and its median).
PERCENTILES = (5.0, 50.0, 95.0)
#: The ``samples`` table: one member per row.
SAMPLES_COLUMNS = ("sample", "density_scale", "drag_area", "mass", "t_reentry", "lat", "lon", "on_land")
SAMPLES_UNITS = ("index", "1", "m2", "kg", "s", "deg", "deg", "bool")

_LOGNORMAL = "the input times exp(sigma z), z standard normal: positive, its median the nominal value"


class DensitySpread(StrictModel):
    """The air density's uncertainty, as a factor on ``object.density_scale``."""

    distribution: Literal["lognormal"] = Field(default="lognormal", description=_LOGNORMAL)
    # At 400 km the density swings by a factor of about 5 to 10 over a solar cycle; sigma 1 makes
    # the +-2 sigma range a factor of 55: beyond that it is not knowing the Sun at all.
    sigma: Number(ge=0.0, le=1.0, description="standard deviation of ln(factor), up to 1 (a factor 2.7 at one sigma)") = 0.25


class DragAreaSpread(StrictModel):
    """The drag area's uncertainty (attitude, arrays feathered or not), as a factor on ``object.drag_area``."""

    distribution: Literal["lognormal"] = Field(default="lognormal", description=_LOGNORMAL)
    # The ISS-like station's effective area runs from 700 to 2,500 m2 (a factor 3.6 = exp(1.27)):
    # sigma 0.5 puts that whole range inside +-1.3 sigma.
    sigma: Number(ge=0.0, le=0.5, description="standard deviation of ln(factor), up to 0.5 (about +-50 %)") = 0.1


class MassSpread(StrictModel):
    """The mass's uncertainty, as a factor on ``object.mass``."""

    distribution: Literal["lognormal"] = Field(default="lognormal", description=_LOGNORMAL)
    # A mass is known from manifests to a few per cent; 0.3 (+-35 %) is already a guess.
    sigma: Number(ge=0.0, le=0.3, description="standard deviation of ln(factor), up to 0.3 (about +-35 %)") = 0.05


class UncertaintySpec(StrictModel):
    """An ensemble of decays with uncertain density, drag area and mass (random streams from the scenario's seed)."""

    samples: Integer(ge=MIN_MEMBERS, le=MAX_MEMBERS, description=f"members flown, {MIN_MEMBERS} to {MAX_MEMBERS}") = 100
    density_scale: DensitySpread = Field(default_factory=DensitySpread)
    drag_area: DragAreaSpread = Field(default_factory=DragAreaSpread)
    mass: MassSpread = Field(default_factory=MassSpread)
    scheduler: Optional[str] = Field(
        default=None, description="where the members run: auto (default: here, or a LocalCluster once they measure longer than a minute), inprocess, local (a 2-worker LocalCluster) or tcp://HOST:PORT"
    )

    @field_validator("scheduler")
    @classmethod
    def _a_scheduler(cls, value):
        if value is None:
            return value
        try:
            return check_scheduler(value, "uncertainty.scheduler")
        except SchedulerError:
            raise PydanticCustomError("scheduler", "not a scheduler; {expected}", {"expected": SCHEDULER_EXPECTED}) from None

    def sigmas(self) -> np.ndarray:
        """The three sigmas in the order of the draws: density, drag area, mass."""
        return np.array([self.density_scale.sigma, self.drag_area.sigma, self.mass.sigma])


def member_inputs(scenario) -> np.ndarray:
    """(N, 3): each member's density_scale, drag_area (m2) and mass (kg), drawn from its own stream."""
    spec, body = scenario.uncertainty, scenario.object
    nominal = np.array([body.density_scale, body.drag_area, body.mass])
    sigmas = spec.sigmas()
    return np.array([nominal * np.exp(sigmas * sample_rng(scenario.seed, k).standard_normal(3)) for k in range(spec.samples)])


def fly_members(chunk) -> np.ndarray:
    """The engine's task: ``(scenario, rows)``, rows (k, 4) of member index, density_scale, drag_area
    (m2), mass (kg), to (k, 7): each member's reentry time (s since the epoch; NaN if it did not
    reenter within max_lifetime) and its state there (TEME of the epoch, m and m/s)."""
    from orbital.dynamics.forces import OrbitForces
    from orbital.kinds.decay_reentry import decay_to_reentry, object_forces
    from orbital.propagation.decay import osculating_to_mean
    from orbital.schema import initial_state

    scenario, rows = chunk
    nominal = object_forces(scenario)
    _, r0, v0 = initial_state(scenario.object)
    mean0 = osculating_to_mean(r0, v0)
    cd = scenario.object.drag_coefficient
    out = np.full((len(rows), 7), np.nan)
    for k, (index, density_scale, area_m2, mass_kg) in enumerate(rows):
        forces = OrbitForces(
            j2=True, drag=True, cd_area_over_mass_m2_kg=cd * area_m2 / mass_kg, density_scale=density_scale,
            density_model=nominal.density_model, density_at=nominal.density_at,
        )
        try:
            _, descent = decay_to_reentry(scenario, forces, mean0)
        except InfeasibleScenario as exc:
            raise InfeasibleScenario(f"uncertainty member {int(index)}: {exc}") from None
        if descent is not None:
            descent_t, descent_states, reentry_s = descent
            out[k, 0], out[k, 1:] = reentry_s, descent_states[-1]
    return out


def percentiles_s(reentry_s: np.ndarray) -> list[Optional[float]]:
    """:data:`PERCENTILES` of the reentry times (NaN: not reentered, later than any), None where a
    percentile falls among the members that did not reenter."""
    later_than_any = np.where(np.isfinite(reentry_s), reentry_s, np.inf)
    with np.errstate(invalid="ignore"):
        values = np.percentile(later_than_any, PERCENTILES)
    return [float(v) if np.isfinite(v) else None for v in values]


def add_ensemble(result, scenario) -> None:
    """Fly the ensemble of ``scenario.uncertainty`` and add it to the nominal ``result``: the summary's
    ensemble keys (:data:`ENSEMBLE_SUMMARY_KEYS`), the ``samples`` table, the ensemble window's events
    and its times in the scene. Progress: one report per chunk of members."""
    from astropy.time import Time

    from orbital.earth.constants import DAY_S
    from orbital.earth.frames import gcrs_to_geodetic, teme_to_gcrs_states
    from orbital.earth.landmask import is_land
    from orbital.kinds.decay_reentry.window import utc_iso

    spec = scenario.uncertainty
    inputs = member_inputs(scenario)
    rows = np.column_stack([np.arange(spec.samples), inputs])
    size = -(-spec.samples // MAX_TASKS)
    chunks = [(scenario, rows[r.start:r.stop]) for r in chunk_ranges(spec.samples, size)]
    flown = np.concatenate(list(run_chunks(fly_members, chunks, spec.scheduler, what="ensemble members", option="uncertainty.scheduler")))
    reentry_s = flown[:, 0]
    down = np.isfinite(reentry_s)
    lat, lon, on_land = (np.full(spec.samples, np.nan) for _ in range(3))
    epoch_time = Time(result.epoch_utc, scale="utc")
    if np.any(down):
        lat[down], lon[down], _ = gcrs_to_geodetic(epoch_time, reentry_s[down], teme_to_gcrs_states(epoch_time, flown[down, 1:])[:, :3])
        on_land[down] = is_land(lat[down], lon[down])

    p05, p50, p95 = percentiles_s(reentry_s)
    nominal_s = result.scene.get("reentry_time_s")
    window = p05 is not None and p95 is not None
    result.summary.update({
        "ensemble_members": int(spec.samples),
        "ensemble_not_reentered": int(np.count_nonzero(~down)),
        "lifetime_days_p05": None if p05 is None else p05 / DAY_S,
        "lifetime_days_p50": None if p50 is None else p50 / DAY_S,
        "lifetime_days_p95": None if p95 is None else p95 / DAY_S,
        "ensemble_window_start": None if p05 is None else utc_iso(epoch_time, p05),
        "ensemble_window_end": None if p95 is None else utc_iso(epoch_time, p95),
        "ensemble_window_hours": (p95 - p05) / 3600.0 if window else None,
        "ensemble_half_width_fraction": (p95 - p05) / (2.0 * p50) if window else None,
        "nominal_in_ensemble_window": bool(p05 <= nominal_s <= p95) if window and nominal_s is not None else None,
        "ensemble_p_over_land": float(np.mean(on_land[down])) if np.any(down) else None,
    })
    result.tables["samples"] = Table(
        SAMPLES_COLUMNS, SAMPLES_UNITS, np.column_stack([rows, reentry_s, lat, lon, on_land]), "wgs84",
        "one ensemble member per row, each equally likely: its drawn inputs and where and when it reentered (NaN: not within max_lifetime)",
        "t_reentry",
    )
    add_to_result(result, {"density_scale": inputs[:, 0], "drag_area_m2": inputs[:, 1], "mass_kg": inputs[:, 2]},
                  {"lifetime_days": reentry_s / DAY_S}, seed=scenario.seed)
    for t_s, kind, share in ((p05, "ensemble_window_start", "5 %"), (p95, "ensemble_window_end", "95 %")):
        if t_s is not None:
            result.events.append(Event(t_s, kind, f"{share} of the {spec.samples} ensemble members have reentered"))
            result.scene[f"{kind}_s"] = t_s
    result.events.sort(key=lambda e: e.time_s)


#: What :func:`add_ensemble` adds to the summary (only with an ``uncertainty`` section).
ENSEMBLE_SUMMARY_KEYS = {
    "ensemble_members": SummaryKey("1", "members of the uncertainty ensemble flown (uncertainty.samples)"),
    "ensemble_not_reentered": SummaryKey("1", "members still in orbit at max_lifetime (counted as later than any reentry)"),
    "lifetime_days_p05": SummaryKey("d", "5th percentile of the members' lifetimes: the ensemble window opens; null if not reached"),
    "lifetime_days_p50": SummaryKey("d", "median of the members' lifetimes (near lifetime_days)"),
    "lifetime_days_p95": SummaryKey("d", "95th percentile of the members' lifetimes: the ensemble window closes; null if not reached"),
    "ensemble_window_start": SummaryKey("", "the ensemble's 90 % window opens, UTC (ISO 8601): 5 % of the members have reentered"),
    "ensemble_window_end": SummaryKey("", "the ensemble's 90 % window closes, UTC (ISO 8601): 95 % of the members have reentered"),
    "ensemble_window_hours": SummaryKey("h", "the ensemble window's length, beside window_hours of the +-window_fraction rule"),
    "ensemble_half_width_fraction": SummaryKey("1", "half the ensemble window over the median lifetime, beside window_fraction (0.2)"),
    "nominal_in_ensemble_window": SummaryKey("", "whether the nominal reentry lies inside the ensemble's 90 % window"),
    "ensemble_p_over_land": SummaryKey("1", "share of the members that reentered over land (GSHHG; lakes are water)"),
}
