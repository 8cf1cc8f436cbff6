"""Memory: traced memory must not grow across many requests to the hello app.

Tracing starts after a warm-up (caches filled, lazy imports done), so only
memory allocated and still held since then is counted. The first
checkpoint is the baseline: it absorbs one-off allocations made under
tracing. Reading the traced size at checkpoints costs nothing per request,
but tracemalloc's own bookkeeping slows every allocation (about 5x on the
hello app), which makes this the longest part of a full run.
"""

from __future__ import annotations

import gc
import tracemalloc
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.wsgi import Prepared, run_batch

CHECKPOINTS = 10
WARMUP_CALLS = 10_000
DEFAULT_TOLERANCE = 16 * 1024


@dataclass(frozen=True)
class MemoryResult:
    """Traced bytes at each checkpoint (the first is the baseline) and the peak.

    ``requests`` counts the requests after the baseline.
    """

    requests: int
    checkpoints: list[int]
    peak: int
    tolerance: int

    @property
    def start(self) -> int:
        """Traced bytes at the baseline checkpoint."""
        return self.checkpoints[0]

    @property
    def end(self) -> int:
        """Traced bytes after the last request."""
        return self.checkpoints[-1]

    @property
    def growth(self) -> int:
        """Bytes still held at the end that were not held at the baseline."""
        return self.end - self.start

    @property
    def passed(self) -> bool:
        """True when the growth stays within the tolerance."""
        return self.growth <= self.tolerance


def traced_now() -> int:
    """Traced bytes currently held, after collecting garbage cycles."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def measure_memory(
    prepared: Prepared,
    requests: int,
    tolerance: int = DEFAULT_TOLERANCE,
    warmup: int = WARMUP_CALLS,
    checkpoints: int = CHECKPOINTS,
    progress: Callable[[int, int, int], None] | None = None,
) -> MemoryResult:
    """Warm up, trace a baseline chunk, then ``requests`` requests in ``checkpoints`` chunks.

    ``progress(requests_done, requests, traced_bytes)`` is called at each
    checkpoint. Raises RuntimeError if tracemalloc is already tracing (its
    numbers would include whatever the caller allocated).
    """
    if tracemalloc.is_tracing():
        raise RuntimeError("tracemalloc is already tracing")
    run_batch(prepared, warmup)
    chunk = max(1, requests // checkpoints)
    # Preallocated machine integers: a growing list of int objects would
    # itself be traced, as growth.
    sizes = array("q", [0]) * (checkpoints + 1)
    tracemalloc.start()
    try:
        run_batch(prepared, min(chunk, warmup))
        sizes[0] = traced_now()
        tracemalloc.reset_peak()
        for i in range(1, checkpoints + 1):
            run_batch(prepared, chunk)
            sizes[i] = traced_now()
            if progress is not None:
                progress(i * chunk, chunk * checkpoints, sizes[i])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return MemoryResult(chunk * checkpoints, sizes.tolist(), peak, tolerance)
