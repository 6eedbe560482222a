"""Results computed from one version of a store's data, kept while they may be asked again (the review of a
reconciliation at a data version: a Summary redraw and a Submit ask for the same one, seconds at 20,000 lines).

A key names the data version it was computed from (store/versions.py), so an entry is never stale: a change
makes new keys, and old entries age out. Bounded by the number of entries (each may hold a large result);
least recently used goes first. One per Store, so two databases in one process never share an entry.

An entry may name its `family` (what it is of, whatever the version: the review of reconciliation 7, the bank lines
of reconciliation 7): a newer entry of the family then replaces the older at once. A request reads the current
version, so an older one is never asked again; kept until it aged out, each held hundreds of MB at 100,000 lines
(the add-in's benchmark peaked above 2 GiB with several reviews and listings of past versions in memory)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

SIZE = 8  # a reconciliation's review and its answer: four reconciliations' worth


class Memo:
    """`weigh` and `budget` (optional) bound the entries' total weight too (e.g. bytes of encoded answers)."""

    def __init__(self, size: int = SIZE, weigh: Callable[[object], int] | None = None, budget: int = 0):
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # how many times `get` computed (tests, benchmarks)
        self._weigh, self._budget, self._weights = weigh, budget, {}
        self._families: dict[Hashable, Hashable] = {}

    def get(self, key: Hashable, compute: Callable[[], object], family: Hashable | None = None):
        """The entry under `key`, computed (outside the lock: two requests may compute the same key once each,
        never wait on each other) when absent; kept in place of the other entries of its `family`."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self.computed += 1
            if self._weigh is not None:
                weight = self._weigh(value)
                if weight > self._budget:
                    return value  # would evict everything else for one answer: not kept
                self._weights[key] = weight
            if family is not None:
                for old in [k for k, f in self._families.items() if f == family and k != key]:
                    self._drop(old)
                self._families[key] = family
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size or (self._weigh is not None
                                                     and sum(self._weights.values()) > self._budget):
                self._drop(next(iter(self._entries)))
        return value

    def _drop(self, key: Hashable) -> None:
        del self._entries[key]
        self._weights.pop(key, None)
        self._families.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
