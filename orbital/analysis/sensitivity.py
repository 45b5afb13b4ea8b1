"""Which input drives an output's spread: two measures per (output, input), each with an interval.

Given per-sample inputs and outputs (name -> 1-D array, one value per sample, SI), for each output:

- **PRCC**, the partial rank correlation coefficient (Iman & Conover 1980; Marino et al. 2008):
  the correlation of the input's ranks with the output's ranks once the other inputs' ranks are
  regressed out of both. Signed (-1..1), robust to any monotone transform, and not confounded by
  the other inputs the way a plain Spearman correlation is when inputs are correlated. Its 95 %
  interval is Fisher's z (``atanh(r) +- 1.96 / sqrt(n - 3 - p)``, p the other inputs) and its
  p-value the t test with ``n - 2 - p`` degrees of freedom. It measures how tightly the output
  follows the input, not how much of the spread is the input's: a weak input in a noise-free
  model can have a PRCC near 1, and a non-monotone effect (``sin``) a PRCC near 0.
- **S1**, the first-order Sobol index (the share of the output's variance explained by the input
  alone, ``Var(E[y|x]) / Var(y)``), estimated from the given data (no Saltelli design needed):
  the samples sorted by the input and cut into ``round(sqrt(n))`` bins of equal count, the
  variance of the bin means, less its expected noise ``(M - 1)/n * (within-bin variance)``
  (the correlation-ratio estimator with its bias taken out; Plischke, Borgonovo & Smith 2013).
  Its 95 % interval is ``S1 +- 1.96 *`` its bootstrap standard error (``n_boot`` resamples). It
  answers "which input drives the spread" directly and sees non-monotone effects; it needs more
  samples (computed from :data:`S1_MIN_SAMPLES` on).

Why both: S1 is the answer to the question asked (a variance share) but noisy on a small sample;
PRCC is cheap, sharp at small samples and tells the sign. Each is ranked on its own (1 = drives
most: S1 by value, PRCC by magnitude). PRCC's rank has a 95 % bootstrap interval
(``rank_low``..``rank_high``: the 2.5th and 97.5th percentiles of the input's rank over ``n_boot``
resamples, each resample's partial correlations taken on the whole sample's ranks weighted by the
resample's counts; outputs with a finite value in the same samples share the resamples): a rank is
*resolved* where the interval is one rank wide, and two inputs whose intervals overlap are not told
apart by the sample. S1's rank has none: its resamples share the
bins, which makes the bootstrap too narrow for differences between inputs (two inputs of equal
true S1, 0.083 each, came out 0.072 and 0.120 with every resample ranking them the same way). Samples whose output is not finite (a sample that did not
land) are dropped for that output and counted; constant inputs are left out and named.
"""

from __future__ import annotations

import contextlib
import io
import math
import statistics
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import numpy as np

from orbital.errors import SensitivityError
from orbital.result import Result, Table

#: at least this many more samples than inputs (PRCC's t test keeps >= 10 degrees of freedom)
MIN_SAMPLES_ABOVE_INPUTS = 11
#: S1 from given data is estimated from this many samples on (about 14 bins of 14 at the least)
S1_MIN_SAMPLES = 200
#: the two-sided confidence of the intervals
CONFIDENCE = 0.95
#: the long-form table's columns
COLUMNS = ("output", "input", "measure", "value", "ci_low", "ci_high", "p_value", "rank", "rank_low", "rank_high", "samples")
#: an output's table in a Result is named this and the output (``sensitivity_landing_north_km``)
TABLE_PREFIX = "sensitivity_"
MEASURES = {
    "prcc": "partial rank correlation coefficient (-1..1); 95 % interval by Fisher's z, p-value by the t test",
    "s1": "first-order Sobol index from the given data (0..1, a share of the variance); 95 % bootstrap interval",
}


@dataclass
class Sensitivity:
    """The sensitivity of each output to each input (see the module's docstring for the measures).

    ``rows``: one dict per (output, input, measure) with the keys of :data:`COLUMNS`; ``inputs``:
    the inputs analysed; ``excluded``: input -> why left out (constant); ``dropped``: output ->
    samples dropped (not finite); ``skipped``: output -> why not analysed."""

    inputs: tuple
    rows: list
    excluded: dict = field(default_factory=dict)
    dropped: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)

    @property
    def outputs(self) -> list[str]:
        """The outputs analysed, in the order given."""
        return list(dict.fromkeys(row["output"] for row in self.rows))

    def table(self, output: str) -> Table:
        """One output's measures as a :class:`~orbital.result.Table`: a row per input in the order of
        ``inputs``; per measure its value, interval, p-value (PRCC), rank (1 = drives most) and, for PRCC,
        the rank's bootstrap interval (``prcc_rank_low``, ``prcc_rank_high``)."""
        if output not in self.outputs:
            raise KeyError(f"no output {output!r} analysed; expected one of: {', '.join(self.outputs) or '(none)'}")
        columns, data = [], []
        for measure in MEASURES:
            found = {row["input"]: row for row in self.rows if row["output"] == output and row["measure"] == measure}
            if not found:
                continue
            for key in ("value", "ci_low", "ci_high", "p_value", "rank", "rank_low", "rank_high"):
                if key in ("p_value", "rank_low", "rank_high") and measure != "prcc":
                    continue
                columns.append(f"{measure}_{key}" if key != "value" else measure)
                data.append([found[name][key] for name in self.inputs])
        return Table(tuple(columns), ("1",) * len(columns), np.array(data, dtype=float).T,
                     description=f"sensitivity of {output}: one row per input ({', '.join(self.inputs)})", row_names=self.inputs)

    def to_csv(self) -> str:
        """The long-form table (:data:`COLUMNS`) as CSV text."""
        lines = [",".join(COLUMNS)]
        for row in self.rows:
            lines.append(",".join("" if row[c] is None or (isinstance(row[c], float) and math.isnan(row[c])) else
                                  (f"{row[c]:.10g}" if isinstance(row[c], float) else str(row[c])) for c in COLUMNS))
        return "\n".join(lines) + "\n"

    def to_frame(self):
        """The long-form table as a pandas DataFrame (notes on excluded inputs, dropped samples and
        skipped outputs in ``.attrs``)."""
        import pandas as pd

        frame = pd.DataFrame(self.rows, columns=list(COLUMNS))
        frame.attrs.update(excluded=dict(self.excluded), dropped=dict(self.dropped), skipped=dict(self.skipped))
        return frame

    @classmethod
    def from_tables(cls, tables: Mapping[str, Table], prefix: str = TABLE_PREFIX) -> Optional["Sensitivity"]:
        """The analysis back from the tables :meth:`table` made (a run directory's
        ``sensitivity_<output>``, each row named by its input), or None if there are none. The
        samples used and the notes on excluded inputs are not in the tables (``samples`` is None)."""
        found = {name[len(prefix):]: table for name, table in tables.items() if name.startswith(prefix)}
        if not found:
            return None
        inputs = tuple(dict.fromkeys(name for table in found.values() for name in table.row_names))
        rows = []
        for output, table in found.items():
            for measure in MEASURES:
                if measure not in table.columns:
                    continue
                value, low, high, rank = (table.column(f"{measure}_{key}" if key != "value" else measure) for key in ("value", "ci_low", "ci_high", "rank"))
                # a p-value for PRCC only; rank intervals absent from tables written before they were
                p_value, rank_low, rank_high = (table.column(f"{measure}_{key}") if f"{measure}_{key}" in table.columns else np.full(len(value), np.nan)
                                                for key in ("p_value", "rank_low", "rank_high"))
                rows += [{"output": output, "input": name, "measure": measure, "value": float(value[j]), "ci_low": float(low[j]),
                          "ci_high": float(high[j]), "p_value": float(p_value[j]), "rank": int(rank[j]),
                          "rank_low": _whole_or_none(rank_low[j]), "rank_high": _whole_or_none(rank_high[j]), "samples": None}
                         for j, name in enumerate(table.row_names)]
        return cls(inputs, rows)

    def figure(self, outputs: Optional[Sequence[str]] = None, title: str = ""):
        """Bar plots as a matplotlib ``Figure`` (no pyplot): a row per output (all by default), a panel
        per measure, the inputs ranked (most driving on top), each bar with its 95 % interval."""
        from matplotlib.figure import Figure

        outputs = list(outputs) if outputs is not None else self.outputs
        for name in outputs:
            self.table(name)  # a KeyError for an unknown output
        measures = {name: [m for m in MEASURES if any(r["output"] == name and r["measure"] == m for r in self.rows)] for name in outputs}
        width = max(len(found) for found in measures.values())
        height = 0.35 * len(self.inputs) + 1.2
        # at least a page's half width and a third of its height: one panel of three inputs stays legible
        figure = Figure(figsize=(max(4.2 * width, 6.4), max(height * len(outputs) + (0.4 if title else 0.0), 3.2)), layout="constrained")
        if title:
            figure.suptitle(title, fontsize=10)
        for i, name in enumerate(outputs):
            for j, measure in enumerate(measures[name]):
                panel = figure.add_subplot(len(outputs), width, i * width + j + 1)
                rows = sorted((r for r in self.rows if r["output"] == name and r["measure"] == measure), key=lambda r: -r["rank"])
                values = np.array([r["value"] for r in rows])
                errors = np.array([[r["value"] - r["ci_low"], r["ci_high"] - r["value"]] for r in rows]).T.clip(0.0)
                panel.barh([r["input"] for r in rows], values, xerr=errors, color="tab:blue" if measure == "s1" else "tab:orange", capsize=3)
                panel.axvline(0.0, color="black", linewidth=0.6)
                lowest = min([-0.05] + [r["ci_low"] for r in rows])
                panel.set_xlim(-1.05 if measure == "prcc" else lowest, 1.05)
                panel.set_title(f"{name}: {'S1 (share of variance)' if measure == 's1' else 'PRCC'}", fontsize=9)
                panel.tick_params(labelsize=7)
        return figure

    def png(self, outputs: Optional[Sequence[str]] = None) -> bytes:
        """:meth:`figure` as PNG bytes (90 dpi)."""
        buffer = io.BytesIO()
        self.figure(outputs).savefig(buffer, format="png", dpi=90)
        return buffer.getvalue()


def sensitivity(
    inputs: Mapping[str, Sequence[float]],
    outputs: Mapping[str, Sequence[float]],
    n_boot: int = 200,
    seed: int = 0,
) -> Sensitivity:
    """Which input drives each output's spread: PRCC for every output, S1 where the sample allows
    (``n_boot`` bootstrap resamples drawn with ``seed`` for its interval; the outputs with a finite value
    in the same samples share them). ``inputs`` and ``outputs`` map names to 1-D arrays of one value per
    sample. Bad input raises :class:`SensitivityError`."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 10:
        raise SensitivityError(f"n_boot = {n_boot!r}: expected a whole number of bootstrap resamples >= 10")
    x_names, x = _matrix(inputs, "inputs")
    n = x.shape[0]
    excluded = {name: f"constant ({x[0, j]:g} in every sample)" for j, name in enumerate(x_names) if np.ptp(x[:, j]) == 0}
    keep = [j for j, name in enumerate(x_names) if name not in excluded]
    if not keep:
        raise SensitivityError(f"inputs: every input is constant ({', '.join(x_names)}); expected at least one that varies")
    x_names, x = tuple(x_names[j] for j in keep), x[:, keep]
    minimum = len(x_names) + MIN_SAMPLES_ABOVE_INPUTS
    if n < minimum:
        raise SensitivityError(f"inputs: {n} samples for {len(x_names)} varying inputs; expected at least {minimum} "
                               f"({MIN_SAMPLES_ABOVE_INPUTS} more than the inputs)")
    if not outputs:
        raise SensitivityError("outputs: none given; expected at least one name -> array")
    report = Sensitivity(x_names, [], excluded)
    groups = {}  # the outputs analysed, grouped by the samples they use: (finite, {name: y over them})
    for name, given in outputs.items():
        y = np.asarray(given, dtype=float)
        if y.shape != (n,):
            raise SensitivityError(f"outputs[{name!r}]: shape {y.shape}; expected ({n},), one value per sample as the inputs")
        finite = np.isfinite(y)
        report.dropped[name] = int(n - finite.sum())
        used = int(finite.sum())
        if used < minimum:
            report.skipped[name] = f"{used} samples with a finite value; expected at least {minimum}"
            continue
        xs, ys = x[finite], y[finite]
        if np.ptp(ys) == 0:
            report.skipped[name] = f"constant ({ys[0]:g} in every sample): no spread to explain"
            continue
        if np.any(np.ptp(xs, axis=0) == 0):
            report.skipped[name] = "an input is constant over the samples with a finite value"
            continue
        groups.setdefault(finite.tobytes(), (finite, {}))[1][name] = ys
    rng = np.random.default_rng(seed)
    found = {}
    for finite, ys in groups.values():  # the inputs ranked (and binned) once, the resamples drawn once, per group
        used = len(next(iter(ys.values())))
        found.update(_bootstrapped(_RankedInputs.of(x[finite], used >= S1_MIN_SAMPLES), ys, x_names, n_boot, rng))
    for name in outputs:
        if name not in found:
            continue
        r, r_low, r_high, p_value, r_boot, s1_boot = found[name]
        used = n - report.dropped[name]
        report.rows += _rows(name, "prcc", x_names, r, r_low, r_high, p_value, used, r_boot)
        if s1_boot is not None:  # its interval centred on the estimate: a resample's repeated samples shrink the
            # within-bin noise, so percentiles of the resampled estimates sit above it
            s1, half = s1_boot[0], _z() * s1_boot[1:].std(axis=0, ddof=1)
            report.rows += _rows(name, "s1", x_names, s1, s1 - half, s1 + half, None, used, None)
    if not report.rows:
        raise SensitivityError("outputs: none could be analysed: " + "; ".join(f"{k}: {v}" for k, v in report.skipped.items()))
    return report


def _matrix(columns: Mapping[str, Sequence[float]], what: str) -> tuple[list, np.ndarray]:
    """``(names, (n, k) float array)``; a :class:`SensitivityError` for ragged or non-finite columns."""
    if not columns:
        raise SensitivityError(f"{what}: none given; expected at least one name -> array")
    names, arrays = list(columns), [np.asarray(columns[name], dtype=float) for name in columns]
    first = arrays[0].shape
    for name, array in zip(names, arrays):
        if array.ndim != 1 or array.shape != first:
            raise SensitivityError(f"{what}[{name!r}]: shape {array.shape}; expected 1-D, {first[0] if first else '?'} values as {names[0]!r}")
        bad = np.flatnonzero(~np.isfinite(array))
        if bad.size:
            raise SensitivityError(f"{what}[{name!r}]: {array[bad[0]]} at sample {bad[0]}; expected finite values ({bad.size} are not)")
    return names, np.stack(arrays, axis=1)


def _whole_or_none(value: float) -> Optional[int]:
    return None if math.isnan(value) else int(value)


def _ranks(value: np.ndarray, measure: str) -> np.ndarray:
    """Ranks 1..k along the last axis of ``value`` (1 = drives most: PRCC by magnitude, S1 by value)."""
    magnitude = np.abs(value) if measure == "prcc" else value
    rank = np.empty(value.shape, dtype=int)
    np.put_along_axis(rank, np.argsort(-magnitude, axis=-1, kind="stable"), np.arange(1, value.shape[-1] + 1), axis=-1)
    return rank


def _rows(output, measure, names, value, low, high, p_value, samples, boot) -> list[dict]:
    """The long-form rows of one output's measure; ``boot`` (n_boot, k): the measure over the bootstrap
    resamples, whose ranks give each rank's interval (percentiles of the rank, rounded outward; None
    without resamples, every rank where none could be analysed)."""
    rank = _ranks(value, measure)
    ranks_boot = _ranks(boot[np.all(np.isfinite(boot), axis=1)], measure) if boot is not None else np.zeros((0, len(names)))
    tail = 50.0 * (1.0 - CONFIDENCE)
    if boot is None:
        rank_low = rank_high = [None] * len(names)
    elif len(ranks_boot):
        rank_low = np.minimum(np.floor(np.percentile(ranks_boot, tail, axis=0)), rank).astype(int).tolist()
        rank_high = np.maximum(np.ceil(np.percentile(ranks_boot, 100.0 - tail, axis=0)), rank).astype(int).tolist()
    else:  # every resample degenerate (a tiny sample): no rank is resolved
        rank_low, rank_high = [1] * len(names), [len(names)] * len(names)
    p = p_value if p_value is not None else np.full(len(names), np.nan)
    return [
        {"output": output, "input": name, "measure": measure, "value": float(value[j]), "ci_low": float(low[j]),
         "ci_high": float(high[j]), "p_value": float(p[j]), "rank": int(rank[j]), "rank_low": rank_low[j],
         "rank_high": rank_high[j], "samples": samples}
        for j, name in enumerate(names)
    ]


#: an input (or the output) whose ranks the other inputs' ranks explain but for this share of their
#: variance is taken as a linear function of them (far below any two independently drawn inputs
#: share, far above the rounding of the sums of squares of ranks up to a million)
DEPENDENT_SHARE = 1e-10


def prcc(ranks: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(prcc, ci_low, ci_high, p_value)`` per input (``names``), from the centred ranks (n, k+1) of the
    inputs and, last, of the output: the correlation of the residuals of both ranks regressed on the
    other inputs' ranks.

    The regressions are solved on the (k+1, k+1) matrix of sums of products of the centred ranks
    (one pass over the samples), not on the samples themselves."""
    from scipy import special  # Student's t distribution (0.1 s to import: only where PRCC is asked for)

    n, k = ranks.shape[0], ranks.shape[1] - 1
    r = _partial_correlations(ranks.T @ ranks, names)  # the output's ranks last
    others = k - 1
    z, half = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15)), _z() / math.sqrt(n - 3 - others)
    dof = n - 2 - others
    t = r * np.sqrt(dof / np.maximum(1.0 - r * r, 1e-300))
    return r, np.tanh(z - half), np.tanh(z + half), 2.0 * special.stdtr(dof, -np.abs(t))  # the t test's two tails


def _partial_correlations(products: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Each input's partial correlation with the output (the last row and column of ``products``, the
    (k+1, k+1) sums of products of centred ranks) given the other inputs."""
    k = products.shape[0] - 1
    r = np.empty(k)
    for j in range(k):
        pair, others = [j, k], [i for i in range(k) if i != j]
        residual = products[np.ix_(pair, pair)]
        if others:
            fit = np.linalg.lstsq(products[np.ix_(others, others)], products[np.ix_(others, pair)], rcond=None)[0]
            residual = residual - products[np.ix_(pair, others)] @ fit
        if residual[0, 0] <= DEPENDENT_SHARE * products[j, j]:
            raise SensitivityError(f"inputs[{names[j]!r}]: its ranks are a linear function of the other inputs' ranks; "
                                   "expected inputs drawn independently (drop the dependent one)")
        # an output the other inputs determine wholly leaves nothing for this one: 0
        explained = residual[1, 1] > DEPENDENT_SHARE * products[k, k]
        r[j] = residual[0, 1] / math.sqrt(residual[0, 0] * residual[1, 1]) if explained else 0.0
    return np.clip(r, -1.0, 1.0)


def ranks_averaged(a: np.ndarray, order: Optional[np.ndarray] = None) -> np.ndarray:
    """Ranks 1..n of ``a`` (n,), ties given the mean of the ranks they span (as
    ``scipy.stats.rankdata``'s default, whose module costs a second to import in a run); ``order``:
    ``np.argsort(a, kind="stable")`` if already known."""
    if order is None:
        order = np.argsort(a, kind="stable")
    ordered = a[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # first position of each distinct value
    ends = np.r_[starts[1:], a.size]
    mean_rank = 0.5 * (starts + ends + 1)  # the mean of ranks starts+1 .. ends
    ranks = np.empty(a.size)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


@dataclass
class _RankedInputs:
    """The ranks of the inputs of the samples used (:func:`ranks_averaged`, (n, k)) and, for S1, each
    sample's bin of each input as a 0/1 sparse matrix ``in_bin`` (k * bins, n; input j's bins the j-th
    run of rows; each row's samples in their order), else None."""

    ranks: np.ndarray
    in_bin: object = None

    @classmethod
    def of(cls, x: np.ndarray, with_s1: bool) -> "_RankedInputs":
        """Rank ``x`` (n, k) and, ``with_s1``, cut each input into ``round(sqrt(n))`` bins of equal count
        (the module docstring), from one sort of each input."""
        n, k = x.shape
        orders = [np.argsort(column, kind="stable") for column in x.T]
        ranks = np.column_stack([ranks_averaged(column, order) for column, order in zip(x.T, orders)])
        if not with_s1:
            return cls(ranks)
        from scipy import sparse

        bins_count = max(2, int(round(math.sqrt(n))))
        bins = np.empty((n, k), dtype=np.intp)
        for j, order in enumerate(orders):
            bins[order, j] = np.arange(n) * bins_count // n
        bins += np.arange(k) * bins_count  # each input's bins apart: one matrix serves all inputs
        # a row per bin, its samples in order: times the resamples' counts (n, B) it sums each bin's in that order
        in_bin = sparse.csr_matrix((np.ones(n * k), bins.ravel(), np.arange(0, n * k + 1, k)), shape=(n, k * bins_count)).T.tocsr()
        in_bin.sort_indices()
        return cls(ranks, in_bin)


#: Bootstrap resamples weighted at once (a block of weights, (block, n) floats: bounded memory).
BOOT_BLOCK = 25


def _bootstrapped(inputs: _RankedInputs, outputs: Mapping[str, np.ndarray], names: Sequence[str], n_boot: int, rng: np.random.Generator) -> dict:
    """Per output (name -> its values over the samples of the ranked ``inputs``): PRCC (:func:`prcc`: value,
    interval, p-value) and its value over ``n_boot`` bootstrap resamples (n_boot, k), and, where
    ``inputs`` are binned, S1 on the sample and the same resamples ((1 + n_boot, k): the sample's first;
    else None). Each resample is the counts of ``n`` draws with replacement, the same resamples for
    every output; the resamples' PRCCs come from weighted sums of products of the whole sample's ranks,
    each the partial correlation read off the inverse of the resample's (k+1, k+1) matrix of them,
    ``-P_jy / sqrt(P_jj P_yy)`` (the same number as :func:`prcc`'s regressions, all resamples of a block
    in one inversion)."""
    n, k = inputs.ranks.shape
    with_s1 = inputs.in_bin is not None
    pairs = np.triu_indices(k + 1)
    own = pairs[1] == k  # the pairs with the output: its ranks times each input's and its own
    found, centred = {}, {}
    for name, y in outputs.items():
        ranks = np.column_stack([inputs.ranks, ranks_averaged(y)])
        ranks -= ranks.mean(axis=0)  # centred on the whole sample: small sums, no cancellation below
        centred[name] = ranks
        found[name] = [*prcc(ranks, names), np.empty((n_boot, k)), None]
        if with_s1:  # S1: the bias-corrected correlation ratio over equal-count bins (module docstring)
            found[name][5] = np.empty((1 + n_boot, k))
            ones = np.ones((n, 1))
            found[name][5][0] = _correlation_ratios(_per_bin(inputs.in_bin, ones, k), _per_bin(inputs.in_bin, ones * y[:, None], k), y, ones.T)[0]
    # the columns whose sums each resample weighs: the inputs' products and ranks once, then each output's
    ranks = next(iter(centred.values()))
    columns = [ranks[:, pairs[0][~own]] * ranks[:, pairs[1][~own]], ranks[:, :k]]
    where = {}  # output -> its pairs' columns and its ranks' columns (the inputs' then its own)
    for name, ranks in centred.items():
        start = sum(column.shape[1] for column in columns)
        pair_columns = np.empty(len(own), dtype=int)
        pair_columns[~own], pair_columns[own] = np.arange(np.count_nonzero(~own)), start + np.arange(k + 1)
        where[name] = pair_columns, np.r_[np.count_nonzero(~own) + np.arange(k), start + k + 1]
        columns += [ranks[:, pairs[0][own]] * ranks[:, k:], ranks[:, k:]]
    products_of_ranks = np.hstack(columns)
    del columns, centred  # their copies in products_of_ranks are what the blocks read: bounded memory
    for start in range(0, n_boot, BOOT_BLOCK):
        size = min(BOOT_BLOCK, n_boot - start)
        # the counts of each resample's n draws (drawn at once: the numbers of one call per resample)
        draws = rng.integers(0, n, (size, n)) + (n * np.arange(size))[:, None]
        weights = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(float)
        del draws
        weighted = weights @ products_of_ranks  # per resample: sums of products and of ranks
        if with_s1:
            by_sample = np.ascontiguousarray(weights.T)  # (n, B): the sparse products read each sample's row
            counts = _per_bin(inputs.in_bin, by_sample, k)
        for name, y in outputs.items():
            pair_columns, first_columns = where[name]
            sums, firsts = weighted[:, pair_columns], weighted[:, first_columns]
            products = np.empty((size, k + 1, k + 1))
            products[:, pairs[0], pairs[1]] = sums - firsts[:, pairs[0]] * firsts[:, pairs[1]] / n  # centred on the resample's means
            products[:, pairs[1], pairs[0]] = products[:, pairs[0], pairs[1]]
            found[name][4][start:start + size] = _partial_correlations_of_inverse(products)
            if with_s1:
                found[name][5][1 + start:1 + start + size] = _correlation_ratios(counts, _per_bin(inputs.in_bin, by_sample * y[:, None], k), y, weights)
    return {name: tuple(values) for name, values in found.items()}


def _partial_correlations_of_inverse(products: np.ndarray) -> np.ndarray:
    """Each input's partial correlation with the output (last) given the others, ``-P_jy / sqrt(P_jj P_yy)``
    with ``P`` the inverse of each (k+1, k+1) matrix of ``products`` (B, k+1, k+1); NaN for a matrix
    that has no inverse (a small resample in which an input's ranks do not vary: it is left out)."""
    k = products.shape[1] - 1
    try:
        precision = np.linalg.inv(products)
    except np.linalg.LinAlgError:  # one at a time, to find the singular ones
        precision = np.full_like(products, np.nan)
        for b, matrix in enumerate(products):
            with contextlib.suppress(np.linalg.LinAlgError):
                precision[b] = np.linalg.inv(matrix)
    diagonal = np.diagonal(precision, axis1=1, axis2=2)
    with np.errstate(invalid="ignore"):
        return -precision[:, :k, k] / np.sqrt(diagonal[:, :k] * diagonal[:, k:])


def _z() -> float:
    """The standard normal quantile of the two-sided :data:`CONFIDENCE` (1.96 for 95 %)."""
    return statistics.NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)


def _per_bin(in_bin, by_sample: np.ndarray, k: int) -> np.ndarray:
    """The sums over each bin of each input (``in_bin`` (k bins, n): 1 where a sample falls in a bin, input
    j's bins the j-th run of rows) of ``by_sample`` (n, B: a column per resample), (B, k, bins)."""
    return (in_bin @ by_sample).T.reshape(by_sample.shape[1], k, -1)


def _correlation_ratios(counts: np.ndarray, sums: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per resample (a row of ``weights`` (B, n): the samples' counts) and input: ``Var(E[y|bin]) /
    Var(y)`` less the between-bin variance that noise alone gives; (B, k). ``counts`` and ``sums``
    (B, k, bins): the resamples' counts and sums of ``y`` in each bin of each input (:func:`_per_bin`)."""
    total = weights.sum(axis=1)[:, None]  # (B, 1)
    weighted_y = weights * y
    squares_total = np.sum(weighted_y * y, axis=1)[:, None]
    mean = np.sum(weighted_y, axis=1)[:, None] / total
    variance = squares_total / total - mean * mean
    filled = counts > 0
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=filled)
    between = np.sum(counts * (means - mean[:, :, None]) ** 2, axis=2) / total
    n_filled = filled.sum(axis=2)
    within = (squares_total - np.sum(counts * means * means, axis=2)) / np.maximum(total - n_filled, 1.0)
    return (between - (n_filled - 1) / total * within) / variance


def add_to_result(result: Result, inputs: Mapping[str, Sequence[float]], outputs: Mapping[str, Sequence[float]], seed: int = 0) -> Optional[Sensitivity]:
    """The sensitivity of an ensemble's ``outputs`` to its drawn ``inputs``, added to ``result``: a table
    ``sensitivity_<output>`` per output analysed and ``sensitivity.csv``; its bar plots are drawn
    from those tables by ``issim plot`` (a :class:`~orbital.kind_contract.SensitivityPlot` hint),
    not by every run (matplotlib costs a second or two). An ensemble too small or too uniform to
    analyse gets none of them (returns None): its ``samples`` table still holds the data."""
    try:
        found = sensitivity(inputs, outputs, seed=seed)
    except SensitivityError:
        return None
    for output in found.outputs:
        result.tables[f"{TABLE_PREFIX}{output}"] = found.table(output)
    result.extra_files["sensitivity.csv"] = found.to_csv()
    return found
