"""Parallel writers for the Neo4j loader that cannot deadlock on shared nodes ("mix and batch").

Creating a relationship locks both of its nodes until the transaction commits. Two writers that take
arbitrary batches therefore block each other on the popular entity nodes, and deadlock. Instead:

- Relationships from a Paper to a non-Paper node (``USES``, ``ADDRESSES``, ... : nearly all of them) are
  split into ``n × n`` blocks by a hash of the start node and of the end node. Block ``(i, j)`` runs in
  step ``(j - i) mod n`` on lane ``i``; the ``n`` blocks of one step share no node, so the lanes of a
  step never wait for each other's locks. A step finishes before the next one starts.
- Every other relationship (``CITES`` between papers, the ``Result`` edges, whose nodes are also the end
  of ``REPORTS``) is written afterwards on one lane.

Step 0 is written while the input is read; the rows of later steps wait in a temporary file (a spool),
so memory stays flat. Each lane is a thread with its own short queue: the caller's thread reads and
converts rows while the lanes wait for the server.
"""

from __future__ import annotations

import logging
import pickle
import queue
import tempfile
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

_STOP = object()
log = logging.getLogger("kg.neo4j")


def part(key: str, n: int) -> int:
    """A stable hash partition of a node key (the same in every process and run)."""
    return zlib.crc32(key.encode("utf-8")) % n


def spread(group: tuple[str, str, str], row: dict, n: int) -> tuple[int, int]:
    """``(step, lane)`` of one relationship row of ``group`` = (type, start label, end label) with ``n``
    writers; step ``n`` is the final single-lane step."""
    _, start, end = group
    if n == 1:
        return 0, 0
    if start != "Paper" or end == "Paper":
        return n, 0
    i, j = part(row["a"], n), part(f"{end}:{row['b']}", n)
    return (j - i) % n, i


class Spool:
    """Batches written to a temporary file and read back once, in order."""

    def __init__(self):
        self._f = tempfile.TemporaryFile(prefix="kg-load-")
        self.batches = 0

    def put(self, item) -> None:
        pickle.dump(item, self._f, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1

    def replay(self) -> Iterator:
        self._f.seek(0)
        for _ in range(self.batches):
            yield pickle.load(self._f)

    def close(self) -> None:
        self._f.close()


def batches(items: Iterable[tuple], row_of: Callable, size: int, tally: Counter | None = None) -> Iterator[tuple]:
    """``(group, rows)`` batches of up to ``size`` rows, one group per batch, from ``row_of(*item) ->
    (group, row)``; at most one unfinished batch per group is held. ``tally`` counts the rows per group."""
    pending: dict = defaultdict(list)
    for item in items:
        group, row = row_of(*item)
        if tally is not None:
            tally[group] += 1
        rows = pending[group]
        rows.append(row)
        if len(rows) >= size:
            yield group, pending.pop(group)
    for group in sorted(pending):
        yield group, pending.pop(group)


def plan_rels(rows: Iterable[tuple[tuple, dict]], n: int, size: int, spools: dict[int, Spool]) -> Iterator:
    """``(lane, (group, rows))`` batches of step 0, while the batches of the later steps go to
    ``spools[step]`` as ``(lane, (group, rows))``. ``rows`` yields ``(group, row)``."""
    keyed = batches(rows, lambda group, row: ((*spread(group, row, n), group), row), size)
    for (step, lane, group), batch in keyed:
        if step == 0:
            yield lane, (group, batch)
        else:
            spools.setdefault(step, Spool()).put((lane, (group, batch)))


def run_lanes(batches: Iterable[tuple[int, object]], lanes: int, work: Callable[[object], None],
              depth: int = 2) -> None:
    """Call ``work(batch)`` for every ``(lane, batch)`` of ``batches``, one thread per lane, batches of a
    lane in order. Returns when all are done. The first error of a lane stops the others (queued
    batches are dropped) and is raised here; an error while iterating ``batches`` stops the lanes too."""
    qs = [queue.Queue(maxsize=depth) for _ in range(lanes)]
    abort = threading.Event()
    errors: list[BaseException] = []

    def lane(q: queue.Queue) -> None:
        while (b := q.get()) is not _STOP:
            if abort.is_set():
                continue
            try:
                work(b)
            except BaseException as e:  # noqa: BLE001 - raised in the caller's thread
                errors.append(e)
                abort.set()

    threads = [threading.Thread(target=lane, args=(q,), name=f"kg-load-lane-{i}", daemon=True)
               for i, q in enumerate(qs)]
    for t in threads:
        t.start()
    try:
        for i, b in batches:
            while not abort.is_set():
                try:
                    qs[i].put(b, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if abort.is_set():
                break
    except BaseException:
        abort.set()
        raise
    finally:
        for q in qs:
            q.put(_STOP)
        for t in threads:
            t.join()
    if errors:
        raise errors[0]


class _LockRetries(logging.Filter):
    """Drops the driver's warning for a transaction it retries after a deadlock and counts it instead.

    The schedule keeps writers off each other's nodes, but the server also locks the first relationship
    of a node's list when it adds one; two writers can still meet there, rarely. The driver then
    retries the whole transaction, which is safe (MERGE), so it is not worth a multi-line warning."""

    def __init__(self):
        super().__init__()
        self.retries = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "DeadlockDetected" in record.getMessage():
            self.retries += 1
            return False
        return True


@contextmanager
def quiet_lock_retries() -> Iterator[_LockRetries]:
    """While the block runs, deadlock retries of the driver are counted, not printed."""
    f = _LockRetries()
    driver_log = logging.getLogger("neo4j.session")
    driver_log.addFilter(f)
    try:
        yield f
    finally:
        driver_log.removeFilter(f)
        if f.retries:
            log.info("retried %d transaction(s) after a lock conflict between writers", f.retries)
