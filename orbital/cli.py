"""The ``issim`` command line: list, run, validate, schema.

Heavy modules (numpy, astropy, the physics) are imported inside the commands so
that ``issim --help`` starts in a fraction of a second. Bad input of any kind
ends with one message on stderr and exit code 2, never a traceback.
"""

import sys
from typing import List, Optional

import typer

app = typer.Typer(
    help="issim: an orbital mini-simulator (station, spacewalk, robotic arm, Soyuz return).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


def _fail(message):
    """Print one error message to stderr and exit with code 2."""
    typer.echo(f"issim: error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _load(scenario, overrides):
    from orbital.scenario import ScenarioError, load

    try:
        return load(scenario, overrides)
    except ScenarioError as exc:
        _fail(str(exc))


@app.command("list")
def list_scenarios():
    """Show the bundled scenarios with a one-line description each."""
    from rich.console import Console
    from rich.table import Column, Table

    from orbital.scenario import ScenarioError, bundled_scenarios, read_yaml

    rows = []
    for name, path in bundled_scenarios().items():
        try:
            data = read_yaml(path)
        except ScenarioError:
            data = {}
        first_line = str(data.get("description", "")).strip().splitlines()[:1]
        rows.append((name, str(data.get("kind", "?")), first_line[0] if first_line else ""))
    # one line each: name and kind whole, the description cut to the terminal's width
    widths = [max(len(row[i]) for row in rows) for i in (0, 1)] if rows else [4, 4]
    table = Table(
        Column("name", min_width=widths[0], no_wrap=True),
        Column("kind", min_width=widths[1], no_wrap=True),
        Column("description", no_wrap=True, overflow="ellipsis"),
        box=None,
        header_style="bold",
    )
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _format_value(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    return "-" if value is None else str(value)


def _print_summary(result, run_dir):
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table("quantity", "value", title=f"{result.scenario_name} ({result.kind})", box=None, header_style="bold")
    for key, value in result.summary.items():
        table.add_row(key, _format_value(value))
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
    out: Optional[str] = typer.Option(None, "--out", help="run directory (default: runs/<name>-<UTC time>)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --out directory"),
    json_output: bool = typer.Option(False, "--json", help="print the summary as JSON on stdout, nothing else"),
    view_after: bool = typer.Option(False, "--view", help="open the 3D viewer on the result afterwards"),
):
    """Run a scenario, print its summary and write a run directory."""
    import json
    from datetime import datetime, timezone

    from orbital.results import RunDirError, check_can_write, default_run_dir, write_run
    from orbital.scenario import resolved_yaml

    model = _load(scenario, set_ or [])
    if view_after:
        _check_window()
    run_dir = out or str(default_run_dir(model.name, datetime.now(timezone.utc)))
    try:
        check_can_write(run_dir, overwrite)
    except RunDirError as exc:
        _fail(str(exc))
    if not json_output:
        typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
    result = _run(scenario, model)
    try:
        written = write_run(result, resolved_yaml(model), run_dir, overwrite)
    except (RunDirError, OSError) as exc:
        _fail(f"cannot write the run directory: {exc}")
    if json_output:
        document = result.summary_document()
        document["run_dir"] = str(written)
        document.pop("trajectories")
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        _print_summary(result, written)
    if view_after:
        _open_window(result)


def _run(source, model):
    """Run a validated model; inputs that cannot make a run end with one message and exit 2."""
    from orbital.runners import first_run_note, run_scenario
    from orbital.scenario import InfeasibleScenario

    note = first_run_note(model)
    if note:
        typer.echo(f"issim: {note}", err=True)
    try:
        return run_scenario(model)
    except InfeasibleScenario as exc:
        _fail(f"{source}: {exc}")


def _check_window():
    """Exit 1 with a message (before any work) if no window can open here."""
    from viz.backend import NoGLError, use_window

    try:
        use_window()
    except NoGLError as exc:
        typer.echo(f"issim: error: {exc}; use --export FILE to render offscreen", err=True)
        raise typer.Exit(1)


def _open_window(result, warp=None):
    """Play ``result`` in an interactive window until it is closed."""
    from viz.viewer import Viewer

    Viewer(result, show=True, warp=warp).run()


@app.command()
def view(
    target: str = typer.Argument(..., help="a bundled scenario name, a YAML file (run first), or a run directory"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field before running: KEY=VALUE"),
    export: Optional[str] = typer.Option(None, "--export", help="render offscreen to FILE (.mp4, .gif, or .png) instead of a window"),
    fps: int = typer.Option(30, "--fps", help="frames per second of an exported video"),
    size: str = typer.Option("1280x720", "--size", help="frame size WIDTHxHEIGHT in pixels"),
    duration: float = typer.Option(10.0, "--duration", help="length of an exported video in seconds (the whole run is played in it)"),
    time_: Optional[str] = typer.Option(None, "--time", help="for a .png: the moment drawn, since the epoch (1200, '20 min')"),
    warp: Optional[float] = typer.Option(None, "--warp", help="initial time warp of the window (simulated s per wall s)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --export file"),
):
    """Watch a scenario in 3D (window), or export it as MP4/GIF/PNG without a display."""

    from viz.options import OptionError, check_duration, check_export_path, check_fps, parse_size, parse_time

    try:
        frame_size = parse_size(size)
        check_fps(fps)
        check_duration(duration)
        at_time = parse_time(time_) if time_ is not None else None
        out = check_export_path(export, time_ is not None, overwrite) if export else None
        if warp is not None and not warp > 0:
            raise OptionError(f"--warp {warp:g}: expected a positive number of simulated seconds per wall second")
    except OptionError as exc:
        _fail(str(exc))
    if out is None:
        _check_window()
    result = _result_to_view(target, set_ or [])
    if out is None:
        _open_window(result, warp)
        return
    from viz.export import export as export_file
    from viz.options import check_time_in_span
    from viz.registry import span_name, time_span

    if at_time is not None:
        try:
            check_time_in_span(time_, at_time, time_span(result), span_name(result))
        except OptionError as exc:
            _fail(str(exc))
    try:
        export_file(result, out, fps=fps, size=frame_size, duration_s=duration, time_s=at_time)
    except OSError as exc:
        _fail(f"--export {str(out)!r}: cannot write the file ({exc.strerror or exc}); expected a path in a writable folder")
    typer.echo(f"wrote {out}", err=True)


def _result_to_view(target, overrides):
    """A run directory is read; a scenario (name or YAML) is run first."""
    from pathlib import Path

    from orbital.results import SUMMARY_FILE, RunDirError, read_run

    if Path(target).is_dir():
        if overrides:
            _fail(f"--set: cannot change a saved run directory ({target}); expected a scenario name or YAML file")
        try:
            return read_run(target)
        except RunDirError as exc:
            _fail(f"{exc}; expected a directory written by 'issim run' (with {SUMMARY_FILE})")
    model = _load(target, overrides)
    typer.echo(f"running {model.name} ({model.kind}) ...", err=True)
    return _run(target, model)


@app.command()
def validate(
    scenario: str = typer.Argument(..., help="a YAML file or a bundled scenario name"),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="override a field: KEY=VALUE"),
):
    """Check a scenario file; exit code 0 if valid, 2 with a message if not."""
    model = _load(scenario, set_ or [])
    typer.echo(f"{scenario}: valid {model.kind} scenario '{model.name}'")


@app.command()
def schema():
    """Print the JSON Schema of scenario files (for an editor's YAML plugin)."""
    import json

    from orbital.scenario import json_schema

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


def main():
    """Console-script entry point: usage errors are one line on stderr and exit code 2."""
    try:  # typer >= 0.26 vendors click as typer._click; older typer uses click itself
        from typer._click import exceptions as click_exceptions
    except ImportError:
        from click import exceptions as click_exceptions

    try:
        code = app(standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError if hasattr(click_exceptions, "NoArgsIsHelpError") else () as exc:
        typer.echo(exc.ctx.get_help(), err=True)
        code = EXIT_BAD_INPUT
    except click_exceptions.UsageError as exc:
        typer.echo(_usage_error_line(exc), err=True)
        code = EXIT_BAD_INPUT
    except (typer.Abort, getattr(click_exceptions, "Abort", typer.Abort)):  # typer 0.29's vendored click has no Abort
        typer.echo("issim: aborted", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
