"""The handler registry: ribbon/buttons.toml names a handler for every button; this maps those names to the
functions. A handler is registered with the batch-mode options it accepts (`tieout run ... --file X`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .options import OPTIONS


@dataclass(frozen=True)
class Handler:
    name: str
    fn: Callable
    options: tuple[str, ...]  # names in OPTIONS this handler reads
    sync: bool  # push the user's sheet input (notes, owners, new transaction edits) to the server first
    summary: str


HANDLERS: dict[str, Handler] = {}


def handler(name: str, options: tuple[str, ...] = (), sync: bool = True):
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise ValueError(f"handler {name}: unknown options {sorted(unknown)} (add them to handlers/options.py)")

    def register(fn: Callable) -> Callable:
        if name in HANDLERS:
            raise ValueError(f"handler {name} is registered twice")
        summary = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        HANDLERS[name] = Handler(name, fn, tuple(options), sync, summary)
        return fn
    return register
