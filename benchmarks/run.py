"""issim against poliastro, side by side in one run; prints times and ratios.

    python benchmarks/run.py [--quick] [--waits-only] [--sweeps-only] [--viewer-only] [--footprint-only [--footprint-sizes 10000,100000]]

Each case times issim and its poliastro counterpart on the same machine in the
same run, so the ratio means something even on a shared, noisy machine. Times are
the best of several repeats (the least disturbed one).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# As `issim` runs (orbital.cli.main), before numpy loads OpenBLAS: one BLAS thread unless the user set
# otherwise, so the in-process rows measure what the command line does (OpenBLAS's spinning threads
# made a 10,000-sample sensitivity 0.3-6 s instead of 0.3-0.5 s under load).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402  (after the OpenBLAS settings)

HERE = Path(__file__).resolve().parent
ISSIM = Path(sys.executable).with_name("issim")


class Timing(tuple):
    """(best, median) wall time (s) of repeated calls, and ``cpu``: their median CPU time (s), this
    process's and its finished children's (on a shared machine CPU time varies less than wall time)."""

    def __new__(cls, walls, cpus):
        timing = super().__new__(cls, (min(walls), statistics.median(walls)))
        timing.cpu = statistics.median(cpus)
        return timing


def _cpu_s():
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best_of(func, repeats):
    """:class:`Timing` of ``repeats`` calls of ``func``."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, start = _cpu_s(), time.perf_counter()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu_s() - cpu)
    return Timing(walls, cpus)


def run_command(args, env=None):
    subprocess.run(args, check=True, capture_output=True, cwd=HERE.parent, env=env)


def load_note():
    """The machine's load, for every table: other sessions may share its cores."""
    import os

    load1, load5, _ = os.getloadavg()
    return f"load average {load1:.1f} (1 min), {load5:.1f} (5 min) on {os.cpu_count()} cores, shared with other work"


def case_station_day(repeats):
    """One day of the ISS-like station with J2 and drag, both integrators, warm."""
    from orbital.io import scenario
    from orbital.propagation.propagate import propagate_orbit
    from orbital.schema import initial_state
    from orbital.kinds.station import station_forces

    model = scenario.load("iss_orbit")
    _, r0, v0 = initial_state(model.station)
    forces = station_forces(model)
    grid = np.arange(0.0, 86400.0 + 1.0, 60.0)

    start = time.perf_counter()
    propagate_orbit(r0, v0, grid[:2], forces, "poliastro_cowell")  # numba compiles here
    compile_s = time.perf_counter() - start
    from orbital.dynamics.compiled import INTERPRETED_JOBS

    for _ in range(INTERPRETED_JOBS + 1):  # a process's first short jobs run interpreted; then the kernels load (or compile)
        propagate_orbit(r0, v0, grid[:2], forces, "dop853")

    ours = best_of(lambda: propagate_orbit(r0, v0, grid, forces, "dop853", 1e-10), repeats)
    theirs = best_of(lambda: propagate_orbit(r0, v0, grid, forces, "poliastro_cowell", 1e-10), repeats)
    return ours, theirs, f"poliastro's first call also compiles: {compile_s:.1f} s"


def case_eva_orbit(repeats):
    """One orbit of tethered drift (issim) against Cowell on both bodies, free drift (poliastro)."""
    from orbital.io import scenario
    from orbital.models.spacewalk import push_list, tether_config
    from orbital.models.eva import simulate_eva
    from orbital.dynamics.forces import OrbitForces
    from orbital.earth.frames import lvlh_to_inertial
    from orbital.propagation.propagate import propagate_orbit
    from orbital.schema import initial_state

    model = scenario.load("gordon_tethered")
    _, r0, v0 = initial_state(model.station)
    pushes, tether = push_list(model.pushes), tether_config(model.tether)
    period_s, step_s = 5580.0, 5.0
    grid = np.arange(0.0, period_s + 1.0, step_s)
    velocity = np.add(model.astronaut.velocity, pushes[0].delta_v_lvlh_m_s)
    r_crew, v_crew = lvlh_to_inertial(r0, v0, model.astronaut.position, velocity)
    gravity = OrbitForces(j2=True, drag=False)

    def theirs():
        # poliastro cannot hold a tether: both bodies fly free, J2, the same grid.
        propagate_orbit(r0, v0, grid, gravity, "poliastro_cowell", 1e-10)
        propagate_orbit(r_crew, v_crew, grid, gravity, "poliastro_cowell", 1e-10)

    ours = best_of(
        lambda: simulate_eva(r0, v0, model.astronaut.position, velocity, period_s, step_s, tether=tether), repeats
    )
    return ours, best_of(theirs, repeats), "issim with the tether bouncing; poliastro two free Cowell runs"


def case_gcrs_to_itrs_day(repeats):
    """GCRS -> ITRS over a day at 1-minute steps: issim's interpolated rotation against astropy's transform."""
    import astropy.units as u
    from astropy.coordinates import GCRS, ITRS, CartesianRepresentation
    from astropy.time import Time, TimeDelta

    from orbital.earth import frames

    epoch = Time("2023-03-01T06:00:00", scale="utc")
    t_s = np.linspace(0.0, 86400.0, 1441)
    r = np.tile([7e6, 0.0, 0.0], (t_s.size, 1))
    times = epoch + TimeDelta(t_s, format="sec")
    frames.gcrs_to_itrs(epoch, t_s, r)  # loads the Earth-orientation tables

    def theirs():
        GCRS(CartesianRepresentation(r.T * u.m), obstime=times).transform_to(ITRS(obstime=times))

    ours = best_of(lambda: frames.gcrs_to_itrs(epoch, t_s, r), repeats)
    return ours, best_of(theirs, repeats), "1441 positions, a day at 1-min steps (aim: under 0.25 s)"


def case_help_startup(repeats):
    """Start-up of `issim --help` against importing the poliastro API alone."""
    from orbital.propagation import astro

    library = astro.library().__name__
    ours = best_of(lambda: run_command([str(ISSIM), "--help"]), repeats)
    theirs = best_of(lambda: run_command([sys.executable, "-c", f"import {library}.twobody"]), repeats)
    return ours, theirs, f"aim: issim --help under 0.3 s (poliastro side: import {library}.twobody)"


def case_run_end_to_end(repeats, tmp):
    """`issim run iss_orbit` against the same run through poliastro's Cowell, fresh processes."""
    counter = iter(range(10_000))

    def issim_run(method):
        out = tmp / f"run-{next(counter)}"
        run_command([str(ISSIM), "run", "iss_orbit", "--json", "--out", str(out), "--overwrite", "--set", f"integrator.method={method}"])

    issim_run("dop853")  # the first run after installing compiles issim's kernels: see case_first_run
    ours = best_of(lambda: issim_run("dop853"), repeats)
    theirs = best_of(lambda: issim_run("poliastro_cowell"), repeats)
    return ours, theirs, "each a fresh process: poliastro's numba compiles every time, issim's loads from its cache"


def case_first_run(scenario, repeats):
    """`issim run <scenario>` in a fresh process with an empty cache, as the first run after installing
    (numba compiles the kind's kernels, the Earth-orientation tables are derived), then with that cache
    warm: a :class:`Timing` of each, every repeat with a new empty cache."""
    import os
    import tempfile

    runs = {"cold": ([], []), "warm": ([], [])}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, ISSIM_CACHE_DIR=str(Path(tmp) / "cache"))
            command = [str(ISSIM), "run", scenario, "--json", "--out", str(Path(tmp) / "run"), "--overwrite"]
            for walls, cpus in runs.values():
                cpu, start = _cpu_s(), time.perf_counter()
                run_command(command, env)
                walls.append(time.perf_counter() - start)
                cpus.append(_cpu_s() - cpu)
    return Timing(*runs["cold"]), Timing(*runs["warm"])


def waits(repeats, tmp):
    """Issue 17's table, where users wait: medians of whole processes (in-process for the warm rows),
    issim against poliastro where it has a counterpart."""
    from orbital.propagation import astro

    name = astro.library_name_and_version()[0]
    print(f"where users wait: medians of {repeats} ({load_note()})")
    print(f"{'what':<40}{'issim [s]':>10}{'CPU [s]':>9}{name + ' [s]':>12}{'CPU [s]':>9}{'ratio':>8}  aim, note")
    rows = [
        ("issim --help", case_help_startup(repeats), "0.2 s; " + name + " side: importing its API"),
        ("issim run iss_orbit, end to end", case_run_end_to_end(repeats, tmp), "1.0 s; " + name + " side: --set integrator.method=poliastro_cowell"),
        ("station, 1 day, J2 + drag, warm", case_station_day(repeats), "10x; the same forces"),
        ("spacewalk, 1 orbit, tethered, warm", case_eva_orbit(max(2, repeats // 2)), "0.5 s; " + name + ": two free Cowell runs"),
    ]
    for title, (ours, theirs, _note), aim in rows:
        print(f"{title:<40}{ours[1]:>10.3f}{ours.cpu:>9.3f}{theirs[1]:>12.3f}{theirs.cpu:>9.3f}{theirs[1] / ours[1]:>7.1f}x  {aim}")
    n_first = max(1, repeats // 2)
    for scenario, aim in (("soyuz_nominal", "under 5 s, or none"), ("iss_orbit", "the station's kernels compile once")):
        cold, warm = case_first_run(scenario, n_first)
        print(f"{'first ' + scenario + ' run after install':<40}{cold[1]:>10.3f}{cold.cpu:>9.3f}{'-':>12}{'-':>9}{'':>8}  "
              f"{aim}; the next run {warm[1]:.2f} s, CPU {warm.cpu:.2f} s (an empty cache dir; medians of {n_first})")
    print(f"(after: {load_note()})")


def case_reentry_batch(repeats, n_samples):
    """Soyuz descents: the batch integrator per trajectory against poliastro's Cowell, same forces."""
    from orbital.io import scenario
    from orbital.kinds.reentry_footprint import draw_params, shared_start
    from orbital.models import soyuz
    from orbital.propagation.batch_integrator import integrate
    from orbital.propagation.descent_reference import integrate_reference

    scn = scenario.load("soyuz_footprint", [f"n_samples={n_samples}", "progress=false"])
    start, params, seq = shared_start(scn), draw_params(scn, range(n_samples)), soyuz.sequence(scn)
    guidance, t_c, Yc = start.guidance, start.t_s, start.state[None, :]
    Ys = np.repeat(Yc, n_samples, axis=0)
    one = params.subset(np.array([0]))
    integrate_reference(Yc[0], t_c, one, seq, guidance)  # numba compiles here
    ours = best_of(lambda: integrate(Ys, t_c, params, seq, guidance), repeats)
    theirs = best_of(lambda: integrate_reference(Yc[0], t_c, one, seq, guidance), repeats)
    per = lambda pair, n: (pair[0] / n, pair[1] / n)
    return per(ours, n_samples), theirs, f"per trajectory: batch of {n_samples} vs one Cowell descent (rtol 1e-11)"


def case_guidance_cost(repeats, n_samples):
    """Cost per dispersed descent (s, best of ``repeats``) of each guidance mode, the same draws from
    the end of the shared coast: ``{mode: seconds per sample}`` (the predictor-corrector predicts
    the rest of the entry twice a cycle; the range law reads a table)."""
    from orbital.io import scenario
    from orbital.kinds.reentry_footprint import draw_params, shared_start
    from orbital.models import soyuz
    from orbital.propagation.batch_integrator import integrate

    cost = {}
    for mode in ("lifting", "predictor_corrector"):
        scn = scenario.load("soyuz_footprint", [f"n_samples={n_samples}", "progress=false", f"guidance.mode={mode}"])
        start, params, seq = shared_start(scn), draw_params(scn, range(n_samples)), soyuz.sequence(scn)
        Ys = np.repeat(start.state[None, :], n_samples, axis=0)
        cost[mode] = best_of(lambda: integrate(Ys, start.t_s, params, seq, start.guidance), repeats)[0] / n_samples
    return cost


def case_deorbit_opportunities(repeats, step):
    """Undocking opportunities per second (best, median): let_it_fall over its day every ``step``, in-process,
    warm (compiled kernels, land mask, Earth orientation): the station's day, the batch of descents, the
    landings' places, the files' text. Returns ``(rates, number of opportunities)``."""
    from orbital.io import scenario
    from orbital.kinds.deorbit_opportunities import run

    scn = scenario.load("let_it_fall", [f"step={step}", "progress=false"])
    n = run(scn).summary["n_opportunities"]  # warm
    best, median = best_of(lambda: run(scn), repeats)
    return (n / best, n / median), n


def case_footprint_end_to_end(n_samples):
    """`issim run soyuz_footprint --set n_samples=N`, one fresh process (no poliastro side), after
    a 10-sample run has filled the compiled-kernel and Earth-orientation caches (as any earlier
    run does: only the very first run after installing compiles)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        command = [str(ISSIM), "run", "soyuz_footprint", "--json", "--set", "progress=false", "--out"]
        run_command(command + [str(Path(tmp) / "warm"), "--set", "n_samples=10"])
        start = time.perf_counter()
        run_command(command + [str(Path(tmp) / "fp"), "--set", f"n_samples={n_samples}"])
        return time.perf_counter() - start


def case_breakup_fall(repeats):
    """iss_breakup's pieces falling from the breakup to the ground, one batch in-process (the plunge
    flown once beforehand); returns (pieces, best wall s)."""
    from orbital.io import scenario
    from orbital.kinds.breakup_footprint import fall, fragment_arrays, plunge

    scn = scenario.load("iss_breakup")
    _, t_s, states = plunge(scn)
    arrays, _ = fragment_arrays(scn.fragments)
    best, _ = best_of(lambda: fall(scn, float(t_s[-1]), states[-1], arrays, np.random.default_rng(0)), repeats)
    return arrays["mass_kg"].size, best


def footprint_run(n_samples, scheduler, tmp):
    """`issim run soyuz_footprint --set n_samples=N --scheduler S`, a fresh process (its LocalCluster
    started in it); returns (wall s, peak resident memory in MB of the issim process and what it waited for)."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = Path(tmp) / f"fp-{n_samples}-{scheduler}"
    command = [str(ISSIM), "run", "soyuz_footprint", "--json", "--set", "progress=false", "--set", f"n_samples={n_samples}",
               "--scheduler", scheduler, "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *command], check=True, capture_output=True, text=True, cwd=HERE.parent)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024.0


def footprint_scaling(sizes):
    """Samples per second of the footprint end to end, in-process (threads) and on a 2-worker
    LocalCluster started for the run, at each size; peak memory of each (the issim process; the
    cluster's workers are other processes)."""
    import os
    import shutil
    import tempfile

    print(f"footprint scaling (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the numba cache warm)")
    print(f"{'samples':>10}{'in-process [/s]':>17}{'peak [MB]':>11}{'LocalCluster [/s]':>19}{'peak [MB]':>11}{'cluster/in-process':>20}")
    with tempfile.TemporaryDirectory() as tmp:
        footprint_run(10, "inprocess", tmp)  # caches warm
        for n in sizes:
            here, here_mb = footprint_run(n, "inprocess", tmp)
            there, there_mb = footprint_run(n, "local", tmp)
            print(f"{n:>10}{n / here:>17.0f}{here_mb:>11.0f}{n / there:>19.0f}{there_mb:>11.0f}{here / there:>19.2f}x")
            for entry in Path(tmp).iterdir():
                shutil.rmtree(entry, ignore_errors=True)


def case_decay_year(repeats, cowell_days):
    """A year of the abandoned station's decay by orbit averaging, against poliastro's Cowell
    (same forces: J2 + drag) over ``cowell_days``; returns simulated days per wall second of each."""
    from orbital.io import scenario
    from orbital.propagation.decay import osculating_to_mean, propagate_mean
    from orbital.kinds.decay_reentry import object_forces
    from orbital.propagation.propagate import propagate_orbit
    from orbital.schema import initial_state

    model = scenario.load("iss_uncontrolled")
    _, r0, v0 = initial_state(model.object)
    forces = object_forces(model)
    mean0 = osculating_to_mean(r0, v0)
    year_s, span_s = 365.25 * 86400.0, cowell_days * 86400.0
    grid = np.arange(0.0, span_s + 1.0, 600.0)
    propagate_orbit(r0, v0, grid[:2], forces, "poliastro_cowell")  # numba compiles here
    ours, _ = best_of(lambda: propagate_mean(mean0, forces, year_s, model.handoff_altitude, model.rtol), repeats)
    theirs, _ = best_of(lambda: propagate_orbit(r0, v0, grid, forces, "poliastro_cowell", 1e-10), max(1, repeats // 2))
    return 365.25 / ours, cowell_days / theirs


def case_arm_ik(repeats, n_targets):
    """Arm inverse kinematics: our damped least squares against scipy's least_squares (bounded
    trust region, same forward kinematics and Jacobian), on the same reachable targets."""
    from scipy.optimize import least_squares

    from orbital.models.arm import Arm, base_rotation_matrix, solve_ik
    from orbital.models.arm_runs import READY_POSE_RAD

    arm = Arm(base_lvlh_m=(3.0, 0.0, 10.0), base_rotation=base_rotation_matrix((0.0, np.pi / 2, 0.0)))
    limit = arm.joint_limit_rad
    start = np.array(READY_POSE_RAD)
    targets = [arm.tip(q) for q in np.random.default_rng(0).uniform(-np.pi, np.pi, (n_targets, 7))]

    def ours():
        return [arm.tip(solve_ik(arm, target, start).q_rad) - target for target in targets]

    def theirs():
        return [
            arm.tip(least_squares(lambda q: arm.tip(q) - target, start, jac=lambda q: arm.jacobian(q)[:3],
                                  bounds=(-limit, limit), xtol=1e-12, ftol=1e-12, gtol=1e-12).x) - target
            for target in targets
        ]

    hits = [sum(np.linalg.norm(miss) < 1e-3 for miss in solver()) for solver in (ours, theirs)]
    timed_ours, timed_theirs = best_of(ours, repeats), best_of(theirs, repeats)
    note = (f"{n_targets} targets: {n_targets / timed_ours[0]:.0f} solves/s ({hits[0]} within 1 mm) "
            f"vs scipy {n_targets / timed_theirs[0]:.0f}/s ({hits[1]} within 1 mm)")
    return timed_ours, timed_theirs, note


def _time_frames(viewer, times):
    """Frames per second rendering ``viewer`` at ``times`` as an export does (``Viewer.frames``: each
    next time set while the last frame rasterises), and CPU ms a frame (all threads, the software
    rasteriser's too: it varies less with the machine's load)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in viewer.frames(times, 1.0 / 30.0):
        pass
    return len(times) / (time.perf_counter() - start), (time.process_time() - cpu_start) / len(times) * 1e3


def _time_frames_one_by_one(viewer, times):
    """As :func:`_time_frames`, each frame set and rendered before the next (``Viewer.frame_at``)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    for t in times:
        viewer.frame_at(t, 1.0 / 30.0)
    return len(times) / (time.perf_counter() - start), (time.process_time() - cpu_start) / len(times) * 1e3


def viewer_fps(quick):
    """Frames per second rendering each bundled scenario offscreen at 1280x720 (aim: 30)."""
    from orbital.runners import run_scenario
    from orbital.io.scenario import bundled_scenarios, load
    from viz.backend import offscreen_unavailable_reason

    reason = offscreen_unavailable_reason()
    if reason:
        print(f"viewer: skipped ({reason})")
        return
    from viz.viewer import Viewer

    quick_sets = {"soyuz_footprint": ["n_samples=200", "progress=false"]} if quick else {}
    n_frames = 30 if quick else 120
    print(f"{'viewer, 1280x720 offscreen':<34}{'frames/s':>12}{'CPU ms':>14}   frames spread over the whole run, each read back")
    for name in sorted(bundled_scenarios()):
        viewer = Viewer(run_scenario(load(name, quick_sets.get(name, []))), size=(1280, 720))
        times = np.linspace(viewer.player.t0_s, viewer.player.t1_s, n_frames)
        viewer.frame_at(times[0])  # first frame uploads the textures
        fps, cpu_ms = _time_frames(viewer, times)
        print(f"{'  ' + name:<34}{fps:>12.1f}{cpu_ms:>14.1f}   {', '.join(type(v).__name__ for v in viewer.views)}")
        viewer.canvas.close()


def _draws_per_frame(viewer):
    """Visuals drawn in a frame (each a draw call, and vispy's Python round it)."""
    from vispy.scene.visuals import VisualNode

    def drawn(node):
        if not node.visible:
            return 0
        return int(isinstance(node, VisualNode)) + sum(drawn(child) for child in node.children)

    return drawn(viewer.canvas.scene)


def viewer_fps_globe_and_closeup(quick):
    """Frames per second at 1280x720 offscreen, the globe alone (iss_orbit) and beside the close-up
    with its live plots and the timeline (gordon_tethered), each also without the sky (stars, limb),
    and a multisampled still: what the close-up, the sky and anti-aliasing cost."""
    from orbital.runners import run_scenario
    from orbital.io.scenario import load
    from viz.backend import offscreen_unavailable_reason

    reason = offscreen_unavailable_reason()
    if reason:
        print(f"viewer (globe / close-up): skipped ({reason})")
        return
    from viz.viewer import Viewer

    n_frames = 30 if quick else 120
    print(f"viewer 1280x720, story pacing ({load_note()})")
    print(f"{'':<46}{'frames/s':>12}{'CPU ms':>14}{'draws':>8}   (aim: 60 globe only, 45 with the close-up)")
    for name, label in (("iss_orbit", "globe only"), ("gordon_tethered", "globe + close-up, plots")):
        viewer = Viewer(run_scenario(load(name)), size=(1280, 720))
        times = viewer.player.clock.time(np.linspace(0.0, 1.0, n_frames))
        viewer.frame_at(times[0])
        sky = viewer.views[0].sky
        # the first pass renders the words of its labels (viz.overlay_text caches them); the second
        # is what a looping window and a long export see; one frame at a time, what the overlap buys
        passes = ((", first pass", _time_frames, True), ("", _time_frames, True),
                  (", one frame at a time", _time_frames_one_by_one, True), (", without the sky", _time_frames, False))
        for suffix, timed, with_sky in passes:
            sky.stars.visible = sky.limb.visible = with_sky
            fps, cpu_ms = timed(viewer, times)
            print(f"{'  ' + label + suffix:<46}{fps:>12.1f}{cpu_ms:>14.1f}{_draws_per_frame(viewer):>8}   {name}")
        sky.stars.visible = sky.limb.visible = True
        still_times = times[:: max(1, n_frames // 10)]
        start, cpu_start = time.perf_counter(), time.process_time()
        for t in still_times:
            viewer.frame_at(t, samples=4)
        fps, cpu_ms = len(still_times) / (time.perf_counter() - start), (time.process_time() - cpu_start) / len(still_times) * 1e3
        print(f"{'  ' + label + ', 4 samples (stills)':<46}{fps:>12.1f}{cpu_ms:>14.1f}{_draws_per_frame(viewer):>8}   {name}")
        viewer.canvas.close()


def case_sweep(scenario, vary, sets):
    """One sweep, in-process and on a 2-worker LocalCluster started for it (its start included: what
    `issim sweep --scheduler local` costs); wall times in s, and the rows of the two equal."""
    import orbital as issim

    times, tables = {}, {}
    for scheduler in ("inprocess", "local"):
        start = time.perf_counter()
        tables[scheduler] = issim.sweep(scenario, vary=vary, set=sets, scheduler=scheduler)
        times[scheduler] = time.perf_counter() - start
    for table in tables.values():
        table.attrs.clear()  # the resolved sweeps differ in their scheduler only
    equal = tables["inprocess"].equals(tables["local"])
    return times["inprocess"], times["local"], len(tables["local"]), equal


def sweep_timings(quick):
    """Sweeps in-process against a 2-worker LocalCluster: a cheap point (a station for 10 min) and a
    dear one (Gordon's orbit of drift on his tether, about 0.7 s), at two sizes each."""
    import os

    import orbital as issim

    cases = [
        ("iss_orbit, 10 min", "iss_orbit", "station.altitude", "380..440", {"duration": "10 min"}),
        ("gordon_adrift, 93 min", "gordon_adrift", "tether.length", "20..40", {}),
    ]
    sizes = (8,) if quick else (8, 32)
    print(f"sweeps (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'case':<34}{'points':>8}{'in-process [s]':>16}{'LocalCluster [s]':>18}{'speed-up':>10}")
    for title, scenario, key, span, sets in cases:
        issim.run(scenario, set=sets)  # this process's imports and first-run work, outside the timing
        for n in sizes:
            low, high = (float(x) for x in span.split(".."))
            step = (high - low) / (n - 1)
            unit = "km" if key.endswith("altitude") else "m"
            here, there, rows, equal = case_sweep(scenario, {key: f"{low:g}..{high:g}:{step!r}{unit}"}, sets)
            note = "" if equal else "   TABLES DIFFER"
            print(f"{title:<34}{rows:>8}{here:>16.2f}{there:>18.2f}{here / there:>9.2f}x{note}")


def main():
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--waits-only", action="store_true", help="only issue 17's table: start-up, end to end, first run after install")
    parser.add_argument("--sweeps-only", action="store_true", help="only the sweeps, in-process against a 2-worker LocalCluster")
    parser.add_argument("--footprint-only", action="store_true", help="only the footprint: 10k end to end, and samples/s in-process against a 2-worker LocalCluster")
    parser.add_argument("--viewer-only", action="store_true", help="only the viewer's frames/s: the globe alone and beside the close-up")
    parser.add_argument("--footprint-sizes", default="10000,100000,1000000", help="sample counts of the footprint scaling (comma-separated)")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    sizes = [int(n) for n in args.footprint_sizes.split(",")] if not args.quick else [1000, 10_000]
    if args.sweeps_only:
        sweep_timings(args.quick)
        return
    if args.viewer_only:
        viewer_fps_globe_and_closeup(args.quick)
        return
    if args.waits_only:
        with tempfile.TemporaryDirectory() as tmp:
            waits(repeats, Path(tmp))
        return
    if args.footprint_only:
        n_fp = 1000 if args.quick else 10_000
        print(f"soyuz_footprint, {n_fp} samples, end to end, fresh process: {case_footprint_end_to_end(n_fp):.2f} s (aim: 10,000 under 3 s)")
        footprint_scaling(sizes)
        return

    from orbital.propagation import astro

    name, version = astro.library_name_and_version()
    print(f"issim vs {name} {version} on Python {sys.version.split()[0]} ({load_note()})")
    print(f"{'case':<34}{'issim [s]':>12}{name + ' [s]':>14}{'speed-up':>10}   note")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("station, 1 day, J2 + drag", lambda: case_station_day(repeats)),
            ("spacewalk, 1 orbit, tethered", lambda: case_eva_orbit(max(2, repeats // 2))),
            ("GCRS -> ITRS, 1 day (vs astropy)", lambda: case_gcrs_to_itrs_day(repeats)),
            ("issim --help start-up", lambda: case_help_startup(repeats)),
            ("issim run iss_orbit, end to end", lambda: case_run_end_to_end(max(2, repeats // 2), Path(tmp))),
        ]
        n_batch = 1000 if args.quick else 10_000
        n_ik = 50 if args.quick else 200
        cases.append((f"arm IK, {n_ik} targets (vs scipy)", lambda: case_arm_ik(max(2, repeats // 2), n_ik)))
        cases.append((f"Soyuz descent, batch of {n_batch}", lambda: case_reentry_batch(1 if args.quick else 2, n_batch)))
        for title, case in cases:
            (ours, _), (theirs, _), note = case()
            print(f"{title:<34}{ours:>12.4f}{theirs:>14.3f}{theirs / ours:>9.1f}x   {note}")
        cowell_days = 0.25 if args.quick else 1.0
        ours, theirs = case_decay_year(max(1, repeats // 2), cowell_days)
        print(
            f"{'decay, sim-days per wall-s':<34}{ours:>12.1f}{theirs:>14.3f}{ours / theirs:>9.0f}x   "
            f"a year orbit-averaged vs {cowell_days:g} d of Cowell, J2 + drag"
        )
        cost = case_guidance_cost(max(1, repeats // 2), 1000)
        print(f"guidance cost per dispersed descent (1000 of soyuz_footprint, in-process): range law {cost['lifting'] * 1e3:.2f} ms, "
              f"predictor_corrector {cost['predictor_corrector'] * 1e3:.2f} ms ({cost['predictor_corrector'] / cost['lifting']:.1f}x)")
        n_fp = 1000 if args.quick else 10_000
        elapsed = case_footprint_end_to_end(n_fp)
        print(f"{f'soyuz_footprint, {n_fp} samples':<34}{elapsed:>12.3f}{'-':>14}{'-':>10}   end to end, fresh process (aim: 10,000 under 3 s)")
        step = "5 min" if args.quick else "1 min"
        (rate, _), n_opp = case_deorbit_opportunities(max(2, repeats // 2), step)
        print(f"{'let_it_fall, opportunities per s':<34}{rate:>12.0f}{'-':>14}{'-':>10}   {n_opp} over a day (every {step}), in-process, warm")
        pieces, elapsed = case_breakup_fall(max(1, repeats // 2))
        print(f"{'iss_breakup, pieces per wall-s':<34}{pieces / elapsed:>12.1f}{'-':>14}{'-':>10}   {pieces} pieces from 78 km to the ground, one batch")
        waits(repeats, Path(tmp))
    footprint_scaling(sizes)
    sweep_timings(args.quick)
    viewer_fps(args.quick)
    viewer_fps_globe_and_closeup(args.quick)


if __name__ == "__main__":
    main()
