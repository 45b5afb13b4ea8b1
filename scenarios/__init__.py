"""Bundled scenario files, shipped as package data (``issim list`` shows them)."""
