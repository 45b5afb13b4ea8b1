"""The ``issim`` command line: list, run, sweep, view, plot, export, validate, schema.

Heavy modules (numpy, astropy, the physics) are imported inside the commands so
that ``issim --help`` starts in a fraction of a second. Bad input of any kind
ends with one message on stderr and exit code 2, never a traceback.
"""

import sys
from contextlib import contextmanager
from typing import List, Optional

import typer

app = typer.Typer(
    help="issim: an orbital mini-simulator (station, spacewalk, robotic arm, Soyuz return).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # plain help text: typer's rich panels import rich and markdown-it, more than half of `--help`'s start-up
    rich_markup_mode=None,
)

EXIT_BAD_INPUT = 2


def _print_version(value: bool):
    if value:
        from orbital import __version__

        typer.echo(f"issim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="print the version and exit"),
):
    """issim: an orbital mini-simulator (station, spacewalk, robotic arm, Soyuz return)."""


def _fail(message):
    """Print one error message to stderr and exit with code 2."""
    typer.echo(f"issim: error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _load(scenario, overrides):
    from orbital.errors import ScenarioError
    from orbital.io.scenario import load

    try:
        return load(scenario, overrides)
    except ScenarioError as exc:
        _fail(str(exc))


@app.command("list")
def list_scenarios():
    """Show the bundled scenarios with a one-line description each."""
    from rich.console import Console
    from rich.table import Column, Table

    from orbital.errors import ScenarioError
    from orbital.io.scenario import bundled_scenarios, read_yaml

    rows = []
    for name, path in bundled_scenarios().items():
        try:
            data = read_yaml(path)
        except ScenarioError:
            data = {}
        first_line = str(data.get("description", "")).strip().splitlines()[:1]
        rows.append((name, str(data.get("kind", "?")), first_line[0] if first_line else ""))
    widths = [max(len(row[i]) for row in [("name", "kind"), *rows]) for i in (0, 1)]
    console = Console()
    if not console.is_terminal:  # a pipe or a file: whole lines, for grep and friends
        for row in [("name", "kind", "description"), *rows]:
            sys.stdout.write(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip() + "\n")
        return
    # on a terminal, one line each: name and kind whole, the description cut to its width
    table = Table(
        Column("name", min_width=widths[0], no_wrap=True),
        Column("kind", min_width=widths[1], no_wrap=True),
        Column("description", no_wrap=True, overflow="ellipsis"),
        box=None,
        header_style="bold",
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _format_value(value, unit=""):
    """A summary value for the table, with its unit from the kind's contract (none for a count, text or null)."""
    if value is None:
        return "-"
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}" if unit not in ("", "1") else text


def _print_summary(result, run_dir):
    from rich.console import Console
    from rich.table import Table

    from orbital.kinds import kind_spec

    declared = kind_spec(result.kind).summary
    console = Console()
    table = Table("quantity", "value", title=f"{result.scenario_name} ({result.kind})", box=None, header_style="bold")
    for key, value in result.summary.items():
        table.add_row(key, _format_value(value, declared[key].unit if key in declared else ""))
    console.print(table)
    if result.events:
        events = Table("t [s]", "event", "", box=None, header_style="bold")
        for event in result.events:
            events.add_row(f"{event.time_s:.1f}", event.kind, event.message)
        console.print(events)
    console.print(f"run directory: {run_dir}")


@app.command()
def run(
    scenario: str = typer.Argument(..., help="a bundled scenario name (see 'issim list') or a YAML file"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field: KEY=VALUE, e.g. station.altitude='400 km'"),
    out: Optional[str] = typer.Option(None, "--out", help="run directory (default: a new runs/<name>-<UTC time>)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an earlier run in --out (only a directory issim wrote)"),
    json_output: bool = typer.Option(False, "--json", help="print the summary as JSON on stdout, nothing else"),
    view_after: bool = typer.Option(False, "--view", help="open the 3D viewer on the result afterwards"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="where an ensemble's chunks run (a footprint's descents): inprocess (default: a thread per core; auto stays here too), local (a 2-worker LocalCluster) or tcp://HOST:PORT (a running dask scheduler)"),
):
    """Run a scenario, print its summary and write a run directory."""
    import json

    from orbital.errors import RunDirError
    from orbital.io.run_dirs import resolved_yaml, summary_document

    model = _with_scheduler(_load(scenario, set_ or []), scheduler)
    if view_after:
        _check_window()
    with _claim_run_dir(out, overwrite, model.name) as slot:
        if not json_output:
            typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
        result = _run(scenario, model, show_progress=not json_output)
        try:
            written = slot.commit(result, resolved_yaml(model))
        except (RunDirError, OSError) as exc:
            _fail(f"cannot write {slot.label}: {exc}")
    if json_output:
        document = summary_document(result)
        document["run_dir"] = str(written)
        document.pop("trajectories")
        document.pop("tables")
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        _print_summary(result, written)
    if view_after:
        _open_window(result)


@app.command()
def sweep(
    target: str = typer.Argument(..., help="a bundled scenario name, a scenario YAML file, or a sweep file (sweep: {scenario: ..., vary: ...})"),
    vary: Optional[List[str]] = typer.Option(None, "--vary", help="a field and its values: KEY=a..b:step (380..440:10km), KEY=a,b,c (110,128,140m/s); with --samples KEY=a..b"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field at every point: KEY=VALUE"),
    samples: Optional[int] = typer.Option(None, "--samples", help="a Latin hypercube of N points over the --vary ranges instead of the grid"),
    seed: Optional[int] = typer.Option(None, "--seed", help="seed of the Latin hypercube [default: 0]"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="where the points run: auto (default: here, or a LocalCluster once they measure longer than a minute), inprocess, local (a 2-worker LocalCluster) or tcp://HOST:PORT (a running dask scheduler)"),
    out: Optional[str] = typer.Option(None, "--out", help="run directory (default: a new runs/<name>-sweep-<UTC time>)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an earlier sweep in --out (only a directory issim wrote)"),
):
    """Run a scenario over a grid (or a Latin hypercube) of varied fields; write a table and plots."""
    from orbital.errors import InfeasibleScenario, RunDirError, ScenarioError, SchedulerError
    from orbital.sweeps import plan_sweep, run_plan, write_sweep_dir

    given = {}
    for text in vary or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            _fail(f"--vary {text!r}: expected KEY=VALUES, e.g. --vary station.altitude=380..440:10km")
        if key.strip() in given:
            _fail(f"--vary {text!r}: {key.strip()} is already varied by --vary {key.strip()}={given[key.strip()]}; expected each field once")
        given[key.strip()] = value.strip()
    try:
        plan = plan_sweep(target, given, samples, seed, scheduler, set_ or [],
                          labels=lambda key, value: f"--vary {key}={value}", scheduler_option="--scheduler")
    except (ScenarioError, SchedulerError) as exc:
        _fail(str(exc))
    design = f"a Latin hypercube of {plan.samples}" if plan.samples is not None else "a grid of"
    typer.echo(f"sweeping {plan.base.name} ({plan.base.kind}): {design} {len(plan.points)} points, {plan.scheduler} ...", err=True)
    with _claim_run_dir(out, overwrite, f"{plan.base.name}-sweep") as slot:
        try:
            with _progress_display(f"sweep of {plan.base.name}", True) as callback:
                from orbital.progress import reporting

                with reporting(callback):
                    table = run_plan(plan)
        except (InfeasibleScenario, SchedulerError) as exc:
            _fail(str(exc))
        try:
            written = write_sweep_dir(slot, table, plan)
        except (RunDirError, OSError) as exc:
            _fail(f"cannot write {slot.label}: {exc}")
    typer.echo(f"{len(table)} points, {len(table.columns)} columns")
    typer.echo(f"run directory: {written}")


def _claim_run_dir(out, overwrite, scenario_name):
    """Reserve the run directory before any work (``--out``, or a new one under runs/); exit 2 if it cannot be."""
    from datetime import datetime, timezone

    from orbital.errors import RunDirError
    from orbital.io.run_dirs import claim_default_dir, claim_out_dir

    if overwrite and out is None:
        _fail("--overwrite: only with --out DIR (a default run directory is always a new one)")
    try:
        if out is not None:
            return claim_out_dir(out, overwrite, label=f"--out {out}" if str(out).strip() else f"--out {str(out)!r}")
        return claim_default_dir(scenario_name, datetime.now(timezone.utc))
    except RunDirError as exc:
        _fail(str(exc) if out is not None else f"{exc} (--out DIR names one)")


def _with_scheduler(model, scheduler):
    """``model`` with ``scheduler`` (``--scheduler``) as its field; exit 2 if it is no scheduler or the
    scenario runs no ensemble."""
    if scheduler is None:
        return model
    from orbital import load
    from orbital.engine import check_scheduler
    from orbital.errors import ScenarioError, SchedulerError

    try:
        check_scheduler(scheduler, "--scheduler")
    except SchedulerError as exc:
        _fail(str(exc))
    if "scheduler" not in type(model).model_fields:
        _fail(f"--scheduler {scheduler!r}: {model.name} (kind {model.kind}) runs no ensemble; expected a scenario of kind reentry_footprint")
    try:
        return load(model, {"scheduler": scheduler})
    except ScenarioError as exc:
        _fail(str(exc))


def _run(source, model, show_progress=True):
    """Run a validated model (a progress bar on a terminal); inputs that cannot make a run end with one message and exit 2."""
    from orbital.runners import first_run_note, run_scenario
    from orbital.errors import InfeasibleScenario, SchedulerError

    note = first_run_note(model)
    if note:
        typer.echo(f"issim: {note}", err=True)
    try:
        with _progress_display(f"{model.name} ({model.kind})", show_progress) as callback:
            return run_scenario(model, progress=callback)
    except (InfeasibleScenario, SchedulerError) as exc:
        _fail(f"{source}: {exc}")


@contextmanager
def _progress_display(label, enabled):
    """A transient bar on stderr showing the run's ``orbital.progress`` reports and the time
    elapsed, when stderr is a terminal (and ``enabled``); else no callback at all."""
    if not enabled:  # rich not imported at all (--json): a fraction of a run's start-up
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                   console=console, transient=True, refresh_per_second=4)
    task = bar.add_task(label, total=None)  # a pulse until the runner's first report

    def show(fraction_done, what):
        bar.update(task, total=1.0, completed=fraction_done, description=f"{label}: {what}" if what else label)

    with bar:
        yield show


def _check_window():
    """Exit 1 with a message (before any work) if no window can open here."""
    from viz.backend import NoGLError, use_window

    try:
        use_window()
    except NoGLError as exc:
        typer.echo(f"issim: error: {exc}; use --export FILE to render offscreen", err=True)
        raise typer.Exit(1)


def _open_window(result, warp=None, pace="story"):
    """Play ``result`` in an interactive window until it is closed."""
    from viz.viewer import Viewer

    Viewer(result, show=True, warp=warp, pace=pace).run()


@app.command()
def view(
    target: str = typer.Argument(..., help="a bundled scenario name, a YAML file (run first), or a run directory"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field before running: KEY=VALUE"),
    export: Optional[str] = typer.Option(None, "--export", help="render offscreen to FILE (.mp4, .gif, or .png) instead of a window"),
    fps: Optional[int] = typer.Option(None, "--fps", help="frames per second of an exported video [default: 30]"),
    size: str = typer.Option("1280x720", "--size", help="frame size WIDTHxHEIGHT in pixels"),
    duration: Optional[float] = typer.Option(None, "--duration", help="length of an exported video in seconds, the whole run played in it [default: 10]"),
    time_: Optional[str] = typer.Option(None, "--time", help="for a .png: the moment drawn, since the epoch (1200, '20 min'), or start or end [default: start; a footprint's: end]"),
    warp: Optional[float] = typer.Option(None, "--warp", help="initial time warp of the window (simulated s per wall s)"),
    pace: str = typer.Option("story", "--pace", help="story: slow near events, fast through coasts; linear: one speed over the whole run"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --export file"),
):
    """Watch a scenario in 3D (window), or export it as MP4/GIF/PNG without a display."""

    from viz.options import (OptionError, check_duration, check_export_options, check_export_path, check_fps, check_pace,
                             check_window_options, parse_size, parse_time)

    try:
        frame_size = parse_size(size)
        fps_given, duration_given = fps is not None, duration is not None
        fps, duration = check_fps(30 if fps is None else fps), check_duration(10.0 if duration is None else duration)
        at_time = parse_time(time_) if time_ is not None else None
        out = check_export_path(export, time_ is not None, overwrite) if export is not None else None
        check_pace(pace)
        if warp is not None and not warp > 0:
            raise OptionError(f"--warp {warp:g}: expected a positive number of simulated seconds per wall second")
        if out is not None:
            check_export_options(out, fps_given, duration_given, warp is not None)
        else:
            check_window_options(fps_given, duration_given, time_ is not None, overwrite)
    except OptionError as exc:
        _fail(str(exc))
    saved, model = _view_target(target, set_ or [])
    if out is None:
        _check_window()
    if saved is None:
        typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
    result = saved if saved is not None else _run(target, model)
    if out is None:
        _open_window(result, warp, pace)
        return
    from viz.export import export as export_file
    from viz.options import check_time_in_span
    from viz.registry import span_name, time_span

    if at_time is not None:
        try:
            at_time = check_time_in_span(time_, at_time, time_span(result), span_name(result))
        except OptionError as exc:
            _fail(str(exc))
    try:
        export_file(result, out, fps=fps, size=frame_size, duration_s=duration, time_s=at_time, pace=pace,
                    stop_requested=lambda: _stopped_by is not None)
    except OSError as exc:
        _fail(f"--export {str(out)!r}: cannot write the file ({exc.strerror or exc}); expected a path in a writable folder")
    typer.echo(f"wrote {out}", err=True)


@app.command()
def plot(
    target: str = typer.Argument(..., help="a run directory, or a bundled scenario name or YAML file (run first)"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field before running: KEY=VALUE"),
    out: Optional[str] = typer.Option(None, "--out", help="directory of the figures (default: a new runs/<name>-plots-<UTC time>)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace earlier figures in --out (only a directory issim wrote)"),
):
    """Write the run's figures (its kind's plots and maps) as PNG and SVG, for reports and papers."""
    from orbital.errors import RunDirError

    saved, model = _view_target(target, set_ or [])
    if saved is not None and out is not None:
        _refuse_inside(out, target)
    name = saved.scenario_name if saved is not None else model.name
    with _claim_run_dir(out, overwrite, f"{name}-plots") as slot:
        if saved is None:
            typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
        result = saved if saved is not None else _run(target, model)
        from orbital.figures import figures, figures_document

        files = figures(result)
        try:
            written = slot.commit_files(files, figures_document(result, files), what="plot")
        except (RunDirError, OSError) as exc:
            _fail(f"cannot write {slot.label}: {exc}")
    typer.echo(f"{len(files)} files: {', '.join(files) or 'none (the run holds nothing its hints plot)'}")
    typer.echo(f"figures: {written}")


@app.command("export")
def export_run(
    target: str = typer.Argument(..., help="a run directory, or a bundled scenario name or YAML file (run first)"),
    czml: str = typer.Option(..., "--czml", help="the CZML file to write (opens in Cesium), e.g. run.czml"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field before running: KEY=VALUE"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --czml file (only one that issim wrote)"),
):
    """Write the run as a CZML document (trajectories, ground tracks, landing points, time-tagged) for Cesium."""
    from orbital.errors import RunDirError
    from orbital.io.czml import check_czml_path, to_czml, write_czml

    try:
        path = check_czml_path(czml, overwrite)
    except RunDirError as exc:
        _fail(str(exc))
    saved, model = _view_target(target, set_ or [])
    if saved is None:
        typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
    result = saved if saved is not None else _run(target, model)
    try:
        write_czml(path, to_czml(result), overwrite)
    except (RunDirError, OSError) as exc:
        _fail(f"--czml {czml}: cannot write the file ({getattr(exc, 'strerror', None) or exc})")
    typer.echo(f"wrote {path}", err=True)


def _refuse_inside(out, run_dir):
    """Exit 2 if ``out`` is the run directory read, or inside it: its files stay as issim wrote them."""
    from pathlib import Path

    place, run = Path(out).resolve(), Path(run_dir).resolve()
    if place == run or run in place.parents:
        _fail(f"--out {out}: is {'' if place == run else 'inside '}the run directory {run_dir} being read; expected a directory of its own")


def _view_target(target, overrides):
    """``(result, None)`` for a run directory (read), ``(None, model)`` for a scenario (validated, to run);
    exit 2 naming the target if it is neither."""
    from pathlib import Path

    from orbital.errors import RunDirError
    from orbital.io.run_dirs import read_run

    path = Path(target)
    if path.is_dir():
        if overrides:
            _fail(f"--set: cannot change a saved run directory ({target}); expected a scenario name or YAML file")
        try:
            return read_run(target), None
        except RunDirError as exc:
            _fail(str(exc))
    if not path.exists() and (path.suffix.lower() in (".yaml", ".yml") or "/" in target):
        _fail(f"{target}: no such run directory or scenario file; expected a run directory, a YAML file or a bundled scenario name")
    return None, _load(target, overrides)


@app.command()
def validate(
    scenario: str = typer.Argument(..., help="a YAML file or a bundled scenario name"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field: KEY=VALUE"),
):
    """Check a scenario file; exit code 0 if valid, 2 with a message if not."""
    model = _load(scenario, set_ or [])
    typer.echo(f"{scenario}: valid {model.kind} scenario '{model.name}'")


@app.command("warm-up")
def warm_up():
    """Do a first run's one-off work now (compile the kernels, derive the land mask): the set-up step."""
    from orbital.dynamics.compiled import kernel_cache_dir
    from orbital.runners import warm_up as warm

    if kernel_cache_dir() is None:
        typer.echo("issim: warning: issim's cache cannot be written here: every run compiles its kernels again "
                   "(set ISSIM_CACHE_DIR to a writable folder)", err=True)
    warm(lambda name, seconds: typer.echo(f"{name}: {seconds:.1f} s"))
    typer.echo(f"issim: warm (cache: {kernel_cache_dir() or 'none'})")


@app.command()
def schema():
    """Print the JSON Schema of scenario files (for an editor's YAML plugin)."""
    import json

    from orbital.io.scenario import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


def _usage_error_line(exc):
    """A click usage error as one line naming the option or argument and what was expected."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "issim"
    message = exc.format_message() if not hasattr(exc, "option_name") else f"No such option: {exc.option_name}"
    if hasattr(exc, "option_name") and ctx is not None:
        options = sorted(opt for param in ctx.command.params for opt in param.opts if opt.startswith("-"))
        message += f"; expected one of: {', '.join([*options, '--help'])}"
    return f"issim: error: {message.rstrip('.')} (see '{command} --help')"


#: The signal (SIGINT or SIGTERM) that stopped this process, once one has.
_stopped_by = None


def _interrupt(signum, frame):
    """Ctrl-C: noted (typer turns the KeyboardInterrupt into a bare exit code), then raised."""
    global _stopped_by
    _stopped_by = signum
    raise KeyboardInterrupt


def _terminate(signum, frame):
    """SIGTERM ends the run as Ctrl-C does: half-written files are removed on the way out."""
    global _stopped_by
    _stopped_by = signum
    raise SystemExit(128 + signum)


def _stopped_message(signum):
    import signal

    return "issim: interrupted" if signum == signal.SIGINT else "issim: terminated"


def main():
    """Console-script entry point: usage errors are one line on stderr and exit code 2; an
    unexpected error is one line and exit code 1 (ISSIM_DEBUG=1 shows its traceback); Ctrl-C
    and SIGTERM say so and exit 128 + the signal's number, having removed what the run reserved."""
    import atexit
    import gc
    import os
    import signal

    # Before numpy loads OpenBLAS (a user's own settings win): its threads, one per core, spin while
    # they wait for work. issim's matrices are small (3x3, 6x6, a sensitivity's 9 x 9 sums of products
    # over 10,000 samples): BLAS threads only fight the descents' threads and other processes for the
    # cores (the PRCC bootstrap of 10,000 samples took 0.30-0.77 s with them, 0.05 s with one, at load 3
    # on the shared 2-core machine), and the exit waits for them; a user who asks for more threads
    # gets them sleeping at once when idle (the timeout).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    # The imports (astropy, pydantic, typer) make some 10^5 objects that stay: at the default threshold
    # (700 allocations) `issim run iss_orbit` made 206 young, 18 middle and 1 full collection over
    # them, at 10,000 47, 4 and none (a third less time in gc, 0.06 s). A young collection then
    # visits at most 10,000 objects (0.15 ms measured; a middle one about ten times that): the
    # viewer's frames (20-40 ms, a few thousand allocations each) see one every few frames, no stall.
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
    # At exit, the objects left need no collecting: the interpreter's last garbage collections over
    # them (numba's and astropy's, about a million) took 0.4 s of `issim run iss_orbit`'s 1.9 s
    # and 0.5-1.5 s after a 10,000-sample footprint.
    # atexit callbacks run before those collections; registered once, however often main runs (tests).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:  # typer >= 0.26 vendors click as typer._click; older typer uses click itself
        from typer._click import exceptions as click_exceptions
    except ImportError:
        from click import exceptions as click_exceptions

    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with SIGINT ignored
        signal.signal(signal.SIGINT, _interrupt)
    no_args = getattr(click_exceptions, "NoArgsIsHelpError", ())
    interrupted = None
    try:
        code = app(standalone_mode=False)
    except no_args as exc:
        typer.echo(exc.ctx.get_help(), err=True)
        code = EXIT_BAD_INPUT
    except click_exceptions.UsageError as exc:
        typer.echo(_usage_error_line(exc), err=True)
        code = EXIT_BAD_INPUT
    except (KeyboardInterrupt, typer.Abort):
        interrupted = signal.SIGINT
    except SystemExit as exc:
        if _stopped_by is None:
            raise
        code = exc.code
    except Exception as exc:  # a bug, not bad input: say what broke, in one line
        if os.environ.get("ISSIM_DEBUG"):
            raise
        typer.echo(f"issim: internal error: {type(exc).__name__}: {exc} (ISSIM_DEBUG=1 shows where; please report it)", err=True)
        code = 1
    stopped = _stopped_by or interrupted
    if stopped:
        typer.echo(_stopped_message(stopped), err=True)
        code = 128 + stopped
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
