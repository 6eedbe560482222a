"""How much a worker reading one file may use: memory (address space beyond what it starts with) and CPU time.

Defaults: 2 GiB and 300 CPU seconds, far above any real statement (a 100,000-line file reads in seconds and a
few hundred MB); `TIEOUT_IMPORT_MEMORY_MB` and `TIEOUT_IMPORT_CPU_SECONDS` change them."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MEMORY_MB = 2048
DEFAULT_CPU_SECONDS = 300


@dataclass(frozen=True)
class Budget:
    memory_bytes: int
    cpu_seconds: int

    @classmethod
    def from_environment(cls) -> Budget:
        memory = int(os.environ.get("TIEOUT_IMPORT_MEMORY_MB", DEFAULT_MEMORY_MB))
        cpu = int(os.environ.get("TIEOUT_IMPORT_CPU_SECONDS", DEFAULT_CPU_SECONDS))
        return cls(max(memory, 64) << 20, max(cpu, 1))

    @property
    def wall_seconds(self) -> float:
        """The parent stops waiting after this: a reader blocked without using CPU (e.g. on a stalled network
        share) never reaches its CPU limit."""
        return 2 * self.cpu_seconds + 30

    def memory_text(self) -> str:
        mib = self.memory_bytes >> 20
        return f"{mib >> 10} GiB" if mib % 1024 == 0 else f"{mib} MiB"

    def cpu_text(self) -> str:
        return f"{self.cpu_seconds} s"

    def apply(self) -> None:
        """In the worker: the limits, where the system has them (Linux: RLIMIT_AS counts the address space, so
        the budget is added to what the process already maps; no core files). Elsewhere the process separation
        still keeps an abort away from the caller, and the parent's wall-clock limit still holds."""
        try:
            import resource
        except ImportError:  # Windows
            return
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 5))
        try:
            resource.setrlimit(resource.RLIMIT_AS, (_mapped_bytes() + self.memory_bytes,) * 2)
        except (ValueError, OSError):  # macOS does not enforce RLIMIT_AS and may refuse it
            pass


def _mapped_bytes() -> int:
    """The address space the worker maps before reading (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
