"""Kinds that live in the tests only: registered for a test with ``monkeypatch.setitem(KINDS, ...)``
(docs/adding_a_kind.md walks through ``cw_free_drift``)."""
