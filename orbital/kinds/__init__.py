"""The kinds: one package per scenario kind, each declaring its contract as ``KIND``
(:class:`orbital.kind_contract.KindSpec`: schema, runner, summary keys, display hints).

A kind imports no other kind: what two kinds share lives in :mod:`orbital.models` or
:mod:`orbital.schema`. ``KINDS`` below is the only list of kinds; a kind's module is imported
only when it is asked for (loading a scenario imports its kind alone).
"""

import importlib

from orbital.kind_contract import KindSpec

#: kind name -> the package that declares it (its ``KIND``)
KINDS: dict[str, str] = {
    "station": "orbital.kinds.station",
    "reentry": "orbital.kinds.reentry",
    "reentry_footprint": "orbital.kinds.reentry_footprint",
    "eva_drift": "orbital.kinds.eva_drift",
    "decay_reentry": "orbital.kinds.decay_reentry",
    "arm_push": "orbital.kinds.arm_push",
    "arm_rescue": "orbital.kinds.arm_rescue",
    "deorbit_opportunities": "orbital.kinds.deorbit_opportunities",
    "breakup_footprint": "orbital.kinds.breakup_footprint",
    "rendezvous": "orbital.kinds.rendezvous",
}


def kind_spec(name: str) -> KindSpec:
    """The contract of kind ``name`` (a KeyError naming the kinds there are if unknown)."""
    if name not in KINDS:
        raise KeyError(f"no kind {name!r}; expected one of: {', '.join(KINDS)}")
    spec = importlib.import_module(KINDS[name]).KIND
    if spec.name != name:
        raise RuntimeError(f"{KINDS[name]} declares kind {spec.name!r}, registered as {name!r}")
    return spec
