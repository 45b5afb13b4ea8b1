"""Reading a Result: its trajectories by role, its tables, values at any time off the sample grid,
and time spans."""

import numpy as np


def interpolate(t_grid, values, t_s):
    """Rows of ``values`` (N, k) linearly interpolated at ``t_s`` (scalar -> (k,)), held at the ends."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.interp(t_s, t_grid, values)
    return np.array([np.interp(t_s, t_grid, values[:, j]) for j in range(values.shape[1])])


def upto(t_grid, values, t_s):
    """The rows of ``values`` sampled before ``t_s``, and the interpolated row at ``t_s`` appended."""
    n = int(np.searchsorted(t_grid, t_s, side="right"))
    now = interpolate(t_grid, values, t_s)
    return np.vstack([values[:n], now[None, :]])


def between(t_grid, values, t0_s, t1_s):
    """Rows sampled in ``(t0_s, t1_s)`` with the interpolated end rows at both ends."""
    i0 = int(np.searchsorted(t_grid, t0_s, side="right"))
    i1 = int(np.searchsorted(t_grid, t1_s, side="left"))
    ends = [interpolate(t_grid, values, t)[None, :] for t in (t0_s, t1_s)]
    return np.vstack([ends[0], values[i0:i1], ends[1]])


def finite_span(times):
    """``(first, last)`` of the finite values of ``times``, widened to at least 1 s."""
    times = np.asarray(times, dtype=float)
    times = times[np.isfinite(times)]
    if times.size == 0:
        return 0.0, 1.0
    t0, t1 = float(times.min()), float(times.max())
    return t0, max(t1, t0 + 1.0)


def names_of(result, role):
    """The names of ``result``'s trajectories that play ``role`` (its display hints), in declared order."""
    return [name for name in result.display.names_with_role(role) if name in result.trajectories]


def table(result, name):
    """The table ``name`` (a footprint's landings, a decay's window track) as its columns by name,
    ``t`` the time (s since the epoch) of each row (from its ``time_column``); None if ``result``
    has no such table. The one place the viewer reads a table."""
    if name not in result.tables:
        return None
    found = result.tables[name]
    columns = {column: np.asarray(found.data[:, k], dtype=float) for k, column in enumerate(found.columns)}
    if found.time_column is not None:
        columns["t"] = columns[found.time_column]
    return columns
