"""Bundled scenario files, installed as ``orbital.scenarios`` (package data; ``issim list`` shows them)."""
