"""Imported once by the fork server (runner.py): every worker forked from it starts with the importers and
their libraries already loaded, so a sandboxed import costs a fork, not an interpreter start."""
from ..importers import importers

importers()
