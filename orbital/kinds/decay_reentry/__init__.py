"""``kind: decay_reentry``: an object left without control decays by drag until it reenters.

1. The orbit (elements or a TLE, :class:`orbital.schema.StationSpec`) becomes
   mean elements, which :mod:`orbital.propagation.decay` carries forward, orbit-averaged,
   until the mean perigee falls to ``handoff_altitude`` (120 km).
2. From there the osculating state is integrated directly (the station's own
   dynamics: :mod:`orbital.propagation.propagate`, J2 and drag) down to ``end_altitude``
   (80 km above the ellipsoid): the nominal reentry time and point.
3. The prediction window is the nominal lifetime +-``window_fraction`` (20 %);
   its ground track (``window_track``): mean elements before the hand-off, the
   direct integration after it, and past the nominal reentry the orbit it had
   then, carried on by its J2 rates (where the object would be, had it lasted).
4. With an ``uncertainty`` section, an ensemble of such decays with drawn density, drag
   area and mass gives the window as percentiles of its reentry times, and its reentry
   points (:mod:`orbital.kinds.decay_reentry.ensemble`).

Frames: integrated in TEME of the epoch (z the true pole), written in GCRS and
WGS84. Trajectories: see :func:`run`.
"""

import math
from typing import Literal, Optional

import numpy as np
from pydantic import Field, model_validator

from orbital.dynamics.forces import OrbitForces
from orbital.dynamics.msis_profile import ForecastDensity, global_mean_density_function
from orbital.earth.constants import DAY_S, R_EARTH_EQ_M
from orbital.earth.elements import j2_secular_rates, rv_to_classical
from orbital.errors import InfeasibleScenario
from orbital.kinds.decay_reentry.window import latitude_band_deg, prediction_window_s, track_geojson, track_times_s, utc_iso
from orbital.kinds.decay_reentry.ensemble import ENSEMBLE_SUMMARY_KEYS, UncertaintySpec, add_ensemble
from orbital.progress import Stage, report, share_of_run
from orbital.propagation.decay import MeanElements, mean_to_osculating
from orbital.propagation.propagate import propagate_orbit
from orbital.kind_contract import Curve, DisplayHints, KindSpec, MapPlot, SensitivityPlot, SeriesPlot, SummaryKey
from orbital.result import Event, Result, Table, Trajectory
from orbital.schema import Integer, Number, Quantity, ScenarioBase, StationSpec, StrictModel, field_error, initial_state

#: Most eccentric orbit decayed: drag averaged over QUADRATURE_NODES (64) points of the orbit
#: errs by 0.13 % at e = 0.2 and 1.3 % at 0.3 (measured at a 120 km mean perigee, the hand-off,
#: against 4096 points); drag only rounds an orbit off, so e never grows past its start.
MAX_ECCENTRICITY = 0.2
#: Most samples of the decay history (``history_step`` is widened to stay under it).
MAX_HISTORY_SAMPLES = 20_000
#: Spacing (s) of the direct integration's output, below the hand-off.
DESCENT_STEP_S = 10.0
#: Longest direct integration (s) from the hand-off height before giving up.
MAX_DESCENT_S = 10.0 * DAY_S
#: Spacing (s) of the final descent in the decay history.
HISTORY_DESCENT_STEP_S = 60.0


class AtmosphereSpec(StrictModel):
    """The air that drags the object down."""

    model: Literal["us76", "nrlmsis"] = Field(
        default="us76",
        description="us76: U.S. Standard Atmosphere 1976; nrlmsis: NRLMSIS 2.1 (pymsis) global mean at f107/f107a/ap",
    )
    # F10.7 has ranged from about 60 (deep minimum) to about 370 sfu (daily, 1989); Ap tops out at 400.
    f107: Number(ge=50.0, le=400.0, description="daily F10.7 solar flux (sfu), nrlmsis only") = 150.0
    f107a: Number(ge=50.0, le=400.0, description="81-day mean F10.7 (sfu), nrlmsis only") = 150.0
    ap: Number(ge=0.0, le=400.0, description="daily geomagnetic Ap index, nrlmsis only") = 15.0
    space_weather: Literal["fixed", "forecast"] = Field(
        default="fixed",
        description="nrlmsis only. fixed: f107/f107a/ap all along, one global-mean profile; forecast: the monthly F10.7, "
        "81-day F10.7 and Ap shipped with issim (observed from 1957-10, NOAA SWPC's forecast after 2025-07), month by "
        "month, with the day/night bulge (f107/f107a/ap unused)",
    )

    @model_validator(mode="after")
    def _forecast_needs_nrlmsis(self):
        if self.space_weather == "forecast" and self.model != "nrlmsis":
            raise field_error(
                "atmosphere.space_weather", "forecast", f"expected model nrlmsis with it (found model {self.model}): US76 knows no Sun",
            )
        return self


class Scenario(ScenarioBase):
    """An uncontrolled object: its decay, nominal reentry, prediction window and swath."""

    kind: Literal["decay_reentry"] = "decay_reentry"
    object: StationSpec = Field(default_factory=StationSpec, description="orbit and drag body; its density_scale multiplies the atmosphere's density")
    atmosphere: AtmosphereSpec = Field(default_factory=AtmosphereSpec)
    handoff_altitude: Quantity("m", "km", ge=100.0e3, le=300.0e3) = Field(
        default=120.0e3, description="mean perigee height where orbit averaging hands over to direct integration (bare number: km)"
    )
    end_altitude: Quantity("m", "km", ge=0.0, le=120.0e3) = Field(
        default=80.0e3, description="height above the ellipsoid that counts as reentry (bare number: km)"
    )
    max_lifetime: Quantity("s", "d", gt=0.0, le=100.0 * 365.25 * DAY_S) = Field(
        default=30.0 * 365.25 * DAY_S, description="give up if not reentered by then (bare number: days)"
    )
    window_fraction: Number(gt=0.0, lt=1.0, description="window = lifetime * (1 +- this)") = 0.2
    # at most a day: the history is drawn from these samples (each about one orbit at 90 min)
    history_step: Quantity("s", "min", ge=1.0, le=DAY_S) = Field(
        default=90.0 * 60.0, description="decay history sampling, 1 s to 1 day (bare number: min)"
    )
    track_step: Quantity("s", "s", ge=1.0, le=3600.0) = Field(default=30.0, description="window ground-track sampling (bare number: s)")
    max_track_samples: Integer(ge=100, le=2_000_000, description="cap: track_step widens to stay under it") = 200_000
    # Measured (iss_uncontrolled; soyuz_no_burn at 250 km): lifetime and reentry point do not move
    # from 1e-12 to 1e-5 (the point within 0.2 deg, its own noise); at 1e-4 the point moves 3.7 deg
    # (400 km) and trial steps go through NaN elements. Below 1e-13 scipy raises it itself.
    rtol: Number(ge=1e-13, le=1e-6, description="relative tolerance of both integrations") = 1e-9
    uncertainty: Optional[UncertaintySpec] = Field(
        default=None, description="an ensemble of decays with uncertain density, drag area and mass: the window as percentiles",
    )

    @model_validator(mode="after")
    def _end_below_handoff(self):
        if self.end_altitude >= self.handoff_altitude:
            raise field_error(
                "end_altitude", f"{self.end_altitude / 1e3:g} km",
                f"expected below handoff_altitude ({self.handoff_altitude / 1e3:g} km), where direct integration takes over",
            )
        self.object.check_perigee_above("object", self.end_altitude, "end_altitude, where reentry counts")
        self._check_eccentricity()
        self._check_epoch_in_space_weather()
        return self

    def _check_epoch_in_space_weather(self):
        """Refuse a forecast decay whose epoch is before the shipped space-weather table."""
        from orbital.dynamics.msis_profile import space_weather_table
        from orbital.earth.tle import tle_epoch_utc_iso

        if self.atmosphere.space_weather != "forecast":
            return
        body = self.object
        field, epoch = ("object.tle", tle_epoch_utc_iso(body.tle)) if body.tle is not None else ("object.epoch", body.epoch)
        first = space_weather_table().months[0]
        if np.datetime64(str(epoch).rstrip("Z"), "M") < first:
            raise field_error(
                field, f"epoch {epoch}", f"expected an epoch from {first} on with atmosphere.space_weather forecast (the shipped table starts there)",
            )


    def _check_eccentricity(self):
        """Refuse an orbit more eccentric than :data:`MAX_ECCENTRICITY` (see there why)."""
        from orbital.earth.tle import tle_eccentricity

        body = self.object
        field, ecc = ("tle", tle_eccentricity(body.tle)) if body.tle is not None else ("eccentricity", body.eccentricity)
        if ecc > MAX_ECCENTRICITY:
            raise field_error(
                f"object.{field}", f"{ecc:g}" if field == "eccentricity" else f"eccentricity {ecc:g}",
                f"expected an eccentricity up to {MAX_ECCENTRICITY:g}: the orbit average (64 points) misses the "
                "narrow drag peak of a more eccentric orbit's perigee pass (kind station integrates any orbit)",
            )


def object_forces(scenario):
    """J2 and drag on the object, in the scenario's atmosphere."""
    body, air = scenario.object, scenario.atmosphere
    density_model = density_at = None
    if air.model == "nrlmsis" and air.space_weather == "forecast":
        density_at = ForecastDensity(_epoch_of(body)).at
    elif air.model == "nrlmsis":
        density_model = global_mean_density_function(_epoch_of(body), air.f107, air.f107a, air.ap)
    return OrbitForces(
        j2=True,
        drag=True,
        cd_area_over_mass_m2_kg=body.drag_coefficient * body.drag_area / body.mass,
        density_scale=body.density_scale,
        density_model=density_model,
        density_at=density_at,
    )


def _epoch_of(body):
    """UTC epoch (ISO text) of a StationSpec: its own, or its TLE's."""
    return initial_state(body)[0]


def _decay_progress(start_perigee_m, handoff_m, max_lifetime_s):
    """``progress(t_s, perigee_m)`` for :func:`orbital.propagation.decay.propagate_mean`: the share of the fall
    to the hand-off or of max_lifetime, whichever is further (an orbit that hardly decays still
    moves on), into the first 80 % of the run (most of its wall time)."""
    throttled = Stage("decaying (orbit-averaged)", 0.0, 1.0, 0.0, 0.8)

    def progress(t_s, perigee_m):
        throttled(max((start_perigee_m - perigee_m) / (start_perigee_m - handoff_m), t_s / max_lifetime_s))

    return progress


def _history_times(t_handoff_s, t_reentry_s, step_s):
    """Decay history grid: ``step_s`` (widened under the cap) to the hand-off, then every minute."""
    step = max(step_s, t_handoff_s / MAX_HISTORY_SAMPLES)
    slow = np.arange(0.0, t_handoff_s, step)
    fast = np.arange(t_handoff_s, t_reentry_s, HISTORY_DESCENT_STEP_S)
    return np.concatenate([slow, fast, [t_reentry_s]])


def _ghost_orbit(inc_rad, state_m):
    """Where the object would fly on had it not reentered: ``(MeanElements, raan_dot, lam_dot)``.

    A circular orbit through the reentry state ``state_m`` (6,) with inclination ``inc_rad``
    (the last mean one), node and argument of latitude of the osculating state there (an
    equatorial orbit's node on +x, as :func:`orbital.earth.elements.rv_to_classical` takes it: any
    inclination 0 to 180 deg works), moving with its J2 rates (rad/s).
    """
    osculating = rv_to_classical(state_m[:3], state_m[3:])
    radius = float(np.linalg.norm(state_m[:3]))
    raan_dot, argp_dot, m_dot = j2_secular_rates(radius, 0.0, inc_rad)
    start = MeanElements(radius, 0.0, 0.0, inc_rad, float(osculating.raan_rad), float(osculating.arglat_rad))
    return start, raan_dot, m_dot + argp_dot


class _Decay:
    """The whole decay as one function of time: osculating states (TEME of the epoch) at any t >= 0."""

    def __init__(self, history, descent_t_s, descent_states):
        self.history = history
        self.descent_t_s = descent_t_s
        self.descent_states = descent_states
        self.t_handoff_s = history.t_end_s
        self.t_reentry_s = float(descent_t_s[-1])
        self._ghost = _ghost_orbit(float(history.dense(self.t_handoff_s)[3]), descent_states[-1])

    def mean_elements(self, t_s):
        """Mean elements (6, N) at times before the hand-off."""
        return self.history.dense(np.asarray(t_s, dtype=float))

    def states(self, t_s):
        """Osculating states (N, 6) in TEME of the epoch (m, m/s) at times ``t_s`` (s)."""
        t_s = np.asarray(t_s, dtype=float)
        out = np.empty(t_s.shape + (6,))
        orbiting = t_s < self.t_handoff_s
        if np.any(orbiting):
            out[orbiting] = np.hstack(mean_to_osculating(MeanElements.from_vector(self.mean_elements(t_s[orbiting]))))
        falling = ~orbiting & (t_s <= self.t_reentry_s)
        for k in range(6):
            out[falling, k] = np.interp(t_s[falling], self.descent_t_s, self.descent_states[:, k])
        ghost = t_s > self.t_reentry_s
        if np.any(ghost):
            start, raan_dot, lam_dot = self._ghost
            dt = t_s[ghost] - self.t_reentry_s
            moved = start._replace(raan_rad=start.raan_rad + raan_dot * dt, lam_rad=start.lam_rad + lam_dot * dt)
            out[ghost] = np.hstack(mean_to_osculating(moved))
        return out


def _altitude_columns(decay, t_s, states):
    """(N, 3) mean, perigee and apogee heights (m) above the equatorial radius.

    Mean elements during the decay; osculating ones in the final descent.
    """
    orbiting = t_s < decay.t_handoff_s
    a, ex, ey = decay.mean_elements(t_s[orbiting])[:3]
    ecc = np.hypot(ex, ey)
    osc = rv_to_classical(states[~orbiting, :3], states[~orbiting, 3:])
    a = np.concatenate([a, osc.a_m])
    ecc = np.concatenate([ecc, osc.ecc])
    return np.column_stack([a, a * (1.0 - ecc), a * (1.0 + ecc)]) - R_EARTH_EQ_M


def _mean_altitude_km(mean):
    """Mean altitude (km; :func:`orbital.earth.mean_elements.mean_altitude_m`, as ``altitude`` means) of
    :class:`orbital.propagation.decay.MeanElements` (scalars)."""
    from orbital.earth.mean_elements import mean_altitude_m

    a_m, ex, ey, inc_rad = (float(x) for x in mean[:4])
    return mean_altitude_m(a_m, math.hypot(ex, ey), inc_rad, math.atan2(ey, ex)) / 1e3


def _not_reentered(scenario, epoch, history, mean0):
    t_s = np.arange(0.0, history.t_end_s, max(scenario.history_step, history.t_end_s / MAX_HISTORY_SAMPLES))
    a, ex, ey = history.dense(t_s)[:3]
    ecc = np.hypot(ex, ey)
    heights = np.column_stack([a, a * (1.0 - ecc), a * (1.0 + ecc)]) - R_EARTH_EQ_M
    summary = {
        "reentered": False,
        "lifetime_days": None,
        "initial_mean_altitude_km": _mean_altitude_km(mean0),
        "final_mean_altitude_km": _mean_altitude_km(history.dense(history.t_end_s)),
    }
    events = [Event(0.0, "start", "object left without control"), Event(history.t_end_s, "end", "no reentry within max_lifetime")]
    trajectories = {"altitude": Trajectory(None, ("mean", "perigee", "apogee"), ("m",) * 3, heights)}
    return Result(scenario.name, scenario.kind, epoch, t_s, trajectories, events, summary)


def decay_to_reentry(scenario, forces, mean0):
    """The decay from the mean elements ``mean0`` in ``forces``: ``(history, descent)``, ``history`` a
    :class:`orbital.propagation.decay.DecayHistory` to the hand-off, ``descent`` the direct integration
    from there ``(t_s, states (N, 6) TEME, reentry_s)``, or None if no hand-off within max_lifetime.
    Progress: the orbit-averaged decay to 80 %, the plunge to 85 %."""
    from orbital.propagation.decay import DecayHistory, perigee_height_m, propagate_mean

    if perigee_height_m(mean0) > scenario.handoff_altitude:
        history = propagate_mean(
            mean0, forces, scenario.max_lifetime, scenario.handoff_altitude, scenario.rtol,
            _decay_progress(perigee_height_m(mean0), scenario.handoff_altitude, scenario.max_lifetime),
        )
    else:  # already low: straight to the direct integration
        history = DecayHistory(lambda t: np.multiply.outer(np.asarray(mean0), np.ones_like(t)), 0.0, True, 0)
    if not history.reached_stop:
        return history, None

    r_h, v_h = mean_to_osculating(MeanElements.from_vector(history.dense(history.t_end_s)))
    grid = np.arange(history.t_end_s, history.t_end_s + MAX_DESCENT_S, DESCENT_STEP_S)
    descent_t, descent_states, reentry_s = propagate_orbit(
        r_h, v_h, grid, forces, "dop853", scenario.rtol, stop_altitude_m=scenario.end_altitude, include_stop_state=True,
        progress_span=(0.8, 0.85),
    )
    if reentry_s is None:
        raise InfeasibleScenario(
            f"no reentry within {MAX_DESCENT_S / DAY_S:g} days of direct integration from mean perigee "
            f"{perigee_height_m(MeanElements.from_vector(history.dense(history.t_end_s))) / 1e3:.0f} km; expected "
            f"handoff_altitude ({scenario.handoff_altitude / 1e3:g} km) low enough that the object falls from it within days "
            "(the default 120 km does)"
        )
    return history, (descent_t, descent_states, reentry_s)


def run(scenario):
    """The nominal decay (:func:`run_nominal`) and, given an ``uncertainty`` section, the ensemble
    of decays it describes (:func:`orbital.kinds.decay_reentry.ensemble.add_ensemble`); progress
    shared between them by the number of decays flown."""
    if scenario.uncertainty is None:
        return run_nominal(scenario)
    nominal_share = 1.0 / (scenario.uncertainty.samples + 1)
    with share_of_run(0.0, nominal_share):
        result = run_nominal(scenario)
    with share_of_run(nominal_share, 1.0):
        add_ensemble(result, scenario)
    return result


def run_nominal(scenario):
    """Decay, reentry and window; returns a :class:`orbital.result.Result`.

    Trajectories on the time grid (decay history, ``history_step`` then every
    minute of the final descent; N rows): ``object`` gcrs (x, y, z m; vx, vy,
    vz m/s), ``object_geodetic`` wgs84 (lat deg, lon deg, alt m), ``altitude``
    no frame (mean, perigee, apogee m above the equatorial radius). The table
    ``window_track`` wgs84 (M, 4), on its own time base: t (s since the epoch),
    lat deg, lon deg, alt m.
    """
    from astropy.time import Time

    from orbital.propagation.decay import mean_element_rates, osculating_to_mean
    from orbital.earth.frames import gcrs_to_geodetic, teme_to_gcrs_states
    from orbital.earth.landmask import is_land, surface_at

    epoch, r0, v0 = initial_state(scenario.object)
    forces = object_forces(scenario)
    mean0 = osculating_to_mean(r0, v0)
    decay_rate_m_day = -float(mean_element_rates(mean0, forces.at(0.0, local=False))[0]) * DAY_S
    history, descent = decay_to_reentry(scenario, forces, mean0)
    if descent is None:
        return _not_reentered(scenario, epoch, history, mean0)
    descent_t, descent_states, reentry_s = descent
    decay = _Decay(history, descent_t, descent_states)

    report(0.85, "decay history in GCRS and WGS84")
    epoch_time = Time(epoch, scale="utc")
    t_s = _history_times(decay.t_handoff_s, reentry_s, scenario.history_step)
    states_teme = decay.states(t_s)
    states = teme_to_gcrs_states(epoch_time, states_teme)
    lat, lon, alt = gcrs_to_geodetic(epoch_time, t_s, states[:, :3])
    nominal_lat, nominal_lon = float(lat[-1]), float(lon[-1])

    report(0.9, "the window's ground track")
    window_start_s, window_end_s = prediction_window_s(reentry_s, scenario.window_fraction)
    t_track = track_times_s(window_start_s, window_end_s, scenario.track_step, scenario.max_track_samples)
    track_lat, track_lon, track_alt = gcrs_to_geodetic(epoch_time, t_track, teme_to_gcrs_states(epoch_time, decay.states(t_track))[:, :3])
    band_deg = latitude_band_deg(float(mean0.inc_rad))
    report(0.95, "land and water under the track")

    summary = {
        "reentered": True,
        "lifetime_days": reentry_s / DAY_S,
        "reentry_epoch": utc_iso(epoch_time, reentry_s),
        "window_start": utc_iso(epoch_time, window_start_s),
        "window_end": utc_iso(epoch_time, window_end_s),
        "window_hours": (window_end_s - window_start_s) / 3600.0,
        "nominal_lat_deg": nominal_lat,
        "nominal_lon_deg": nominal_lon,
        "nominal_surface": surface_at(nominal_lat, nominal_lon),
        "max_abs_lat_deg": band_deg,
        "track_max_abs_lat_deg": float(np.max(np.abs(track_lat))),
        "p_over_land": float(np.mean(is_land(track_lat, track_lon))),
        "initial_mean_altitude_km": _mean_altitude_km(mean0),
        "initial_decay_m_per_day": decay_rate_m_day,
        "ballistic_coefficient_kg_m2": scenario.object.mass / (scenario.object.drag_coefficient * scenario.object.drag_area),
        "handoff_days": decay.t_handoff_s / DAY_S,
        "descent_from_handoff_min": (reentry_s - decay.t_handoff_s) / 60.0,
        "long_term_steps": history.steps,
        "track_samples": int(t_track.size),
        "track_step_s": float(t_track[1] - t_track[0]),
    }
    events = [
        Event(0.0, "start", "object left without control"),
        Event(window_start_s, "window_start", f"prediction window opens (-{scenario.window_fraction:.0%} of the lifetime)"),
        Event(decay.t_handoff_s, "handoff", f"mean perigee {scenario.handoff_altitude / 1e3:g} km: direct integration from here"),
        Event(reentry_s, "reentry", f"{scenario.end_altitude / 1e3:g} km at {nominal_lat:.2f} deg, {nominal_lon:.2f} deg"),
        Event(window_end_s, "window_end", f"prediction window closes (+{scenario.window_fraction:.0%})"),
    ]
    events.sort(key=lambda e: e.time_s)
    trajectories = {
        "object": Trajectory("gcrs", ("x", "y", "z", "vx", "vy", "vz"), ("m",) * 3 + ("m/s",) * 3, states),
        "object_geodetic": Trajectory("wgs84", ("lat", "lon", "alt"), ("deg", "deg", "m"), np.column_stack([lat, lon, alt])),
        "altitude": Trajectory(None, ("mean", "perigee", "apogee"), ("m",) * 3, _altitude_columns(decay, t_s, states_teme)),
    }
    tables = {
        "window_track": Table(
            ("t", "lat", "lon", "alt"), ("s", "deg", "deg", "m"), np.column_stack([t_track, track_lat, track_lon, track_alt]), "wgs84",
            "the ground track over the prediction window, on its own time base t", "t",
        ),
    }
    scene = {
        "nominal_reentry_wgs84": {"lat_deg": nominal_lat, "lon_deg": nominal_lon},
        "reentry_time_s": reentry_s,
        "window_start_s": window_start_s,
        "window_end_s": window_end_s,
        "inclination_deg": math.degrees(float(mean0.inc_rad)),
        "latitude_band_deg": band_deg,
    }
    geojson = track_geojson(
        t_track, track_lat, track_lon, reentry_s, nominal_lat, nominal_lon,
        {"scenario": scenario.name, "epoch_utc": epoch, **{k: summary[k] for k in ("reentry_epoch", "window_start", "window_end")}},
    )
    return Result(
        scenario.name, scenario.kind, epoch, t_s, trajectories, events, summary,
        extra_files={"window_track.geojson": geojson}, scene=scene, tables=tables,
    )


#: What :func:`run` puts in the summary (a run that did not reenter: reentered, lifetime_days,
#: initial_mean_altitude_km and final_mean_altitude_km alone; with an uncertainty section, the
#: ensemble's keys too, :data:`ENSEMBLE_SUMMARY_KEYS`). Heights above the equatorial radius
#: unless said; times UTC; places geodetic (WGS84).
SUMMARY_KEYS = {
    "reentered": SummaryKey("", "whether the object reached end_altitude within max_lifetime"),
    "lifetime_days": SummaryKey("d", "nominal time from the epoch to end_altitude (80 km above the ellipsoid); null if not reentered"),
    "reentry_epoch": SummaryKey("", "the nominal reentry time, UTC (ISO 8601)"),
    "window_start": SummaryKey("", "the prediction window's opening, UTC (ISO 8601): lifetime x (1 - window_fraction)"),
    "window_end": SummaryKey("", "the prediction window's close, UTC (ISO 8601): lifetime x (1 + window_fraction)"),
    "window_hours": SummaryKey("h", "the prediction window's length"),
    "nominal_lat_deg": SummaryKey("deg", "geodetic latitude of the nominal reentry point"),
    "nominal_lon_deg": SummaryKey("deg", "longitude of the nominal reentry point"),
    "nominal_surface": SummaryKey("", "land or water under the nominal reentry point (GSHHG; lakes are water)"),
    "max_abs_lat_deg": SummaryKey("deg", "the latitude band the initial mean inclination allows (geodetic)"),
    "track_max_abs_lat_deg": SummaryKey("deg", "highest geodetic latitude the window's ground track reaches"),
    "p_over_land": SummaryKey("1", "share of the window's ground track (by time) over land"),
    "initial_mean_altitude_km": SummaryKey(
        "km", "mean altitude at the epoch: the height above WGS84 averaged over a revolution of the mean orbit (as station.altitude)"
    ),
    "final_mean_altitude_km": SummaryKey("km", "the same at max_lifetime; only when the object did not reenter"),
    "initial_decay_m_per_day": SummaryKey("m/d", "decay rate of the mean semi-major axis at the epoch"),
    "ballistic_coefficient_kg_m2": SummaryKey("kg/m2", "m / (Cd A) of the object"),
    "handoff_days": SummaryKey("d", "time from the epoch to the hand-off to direct integration (mean perigee at handoff_altitude)"),
    "descent_from_handoff_min": SummaryKey("min", "time from the hand-off to the nominal reentry"),
    "long_term_steps": SummaryKey("1", "steps the orbit-averaged integration took to the hand-off"),
    "track_samples": SummaryKey("1", "samples of the window's ground track"),
    "track_step_s": SummaryKey("s", "spacing of the window's ground track (track_step, widened to stay under max_track_samples)"),
    **ENSEMBLE_SUMMARY_KEYS,
}

KIND = KindSpec(
    name="decay_reentry",
    scenario=Scenario,
    run=run,
    title="an object left without control decays and reenters: lifetime and window",
    summary=SUMMARY_KEYS,
    display=DisplayHints(roles={"object": "decay", "object_geodetic": "decay_geodetic", "altitude": "heights", "window_track": "reentry_window", "samples": "reentry_points"}, play_span="window_track", span_name="in the prediction window", plots=(
        # until the handoff: in the plunge's last hour the osculating perigee falls far below the ground
        SeriesPlot("heights", "Orbit heights to the plunge", "km", (Curve("altitude", ("apogee",), label="apogee"), Curve("altitude", ("mean",), label="mean"),
                                                      Curve("altitude", ("perigee",), label="perigee")), to_event="handoff", events=("window_start",)),
        MapPlot("reentry_window", "Ground track over the reentry window", density=("window_track",), points=("samples",), split_by="on_land", markers=("nominal_reentry_wgs84",), extent="world"),
        SensitivityPlot("sensitivity", "Which uncertain input drives the lifetime (with an uncertainty section)"),
    )),
)
