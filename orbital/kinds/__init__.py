"""The kinds: one package per scenario kind, each with its schema (``Scenario``), its runner
(``run``) and its summary. A kind imports no other kind: what two kinds share lives in
:mod:`orbital.models` or :mod:`orbital.schema`. The registry is ``KINDS`` in
:mod:`orbital.io.scenario`."""
