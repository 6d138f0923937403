"""Generating the population in a second process while this one writes it to the database.

Generation and writing each take about half the work; on two cores they overlap. The
child process only computes: it never touches the database connection it inherits, and
it leaves through multiprocessing's own exit, which does not close inherited connections.
The chunks come back in order, so the rows written are the same as in one process.

A chunk is tens of megabytes of text, and taking it in through the pipe is not free: a
thread takes in the next chunk while the writer writes this one (the database drivers
let go of the GIL while the database works).
"""

import multiprocessing
import queue as queues
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

from .population import Plan, generate

# How many chunks the generator may run ahead of the writer: it keeps going while the
# writer creates the demo accounts (password hashing is slow on purpose) and whenever
# the writer is held up, instead of waiting for it.
AHEAD = 16


@dataclass
class GeneratorTimes:
    cpu_seconds: float = 0.0  # the generator's own processor time
    waited_seconds: float = 0.0  # the writer's time spent waiting for the next chunk


@dataclass
class _Done:
    cpu_seconds: float


@dataclass
class _Failed:
    trace: str


@dataclass
class Production:
    """The chunks of a plan (see population.generate), made in a child process or in this one."""

    plan: Plan
    in_child: bool
    times: GeneratorTimes = field(default_factory=GeneratorTimes)
    _process: multiprocessing.Process | None = None
    _queue: object = None
    _receiver: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "Production":
        """Begin generating (in the child, at once; in this process, when the chunks are asked for)."""
        if self.in_child:
            context = multiprocessing.get_context("fork")
            self._queue = context.Queue(maxsize=AHEAD)
            self._process = context.Process(target=_produce, args=(self.plan, self._queue),
                                            name="huiliu-demo-generator", daemon=True)
            self._process.start()
        return self

    def chunks(self) -> Iterator[dict]:
        """Yield the chunks in order."""
        if self.in_child:
            yield from self._chunks_from_child()
            return
        chunks = generate(self.plan)
        while True:
            started = time.process_time()
            chunk = next(chunks, None)
            self.times.cpu_seconds += time.process_time() - started
            if chunk is None:
                return
            yield chunk

    def _chunks_from_child(self) -> Iterator[dict]:
        received = queues.Queue(maxsize=1)
        self._receiver = threading.Thread(target=self._receive, args=(received,), name="huiliu-demo-receiver",
                                          daemon=True)
        self._receiver.start()
        while True:
            waiting = time.perf_counter()
            item = received.get()
            self.times.waited_seconds += time.perf_counter() - waiting
            if isinstance(item, _Done):
                self.times.cpu_seconds = item.cpu_seconds
                self._process.join()
                return
            if isinstance(item, _Failed):
                raise RuntimeError("the demo generator failed:\n" + item.trace)
            if isinstance(item, BaseException):
                raise item
            yield item

    def _receive(self, received: queues.Queue) -> None:
        """In the receiving thread: pass on each item from the child, up to the last or a failure, unless stopped."""
        last = False
        while not last and not self._stopping.is_set():
            try:
                item = self._next_item()
            except BaseException as error:  # noqa: BLE001 - handed to the writer, who raises it
                item = error
            last = isinstance(item, (_Done, _Failed, BaseException))
            while not self._stopping.is_set():
                try:
                    received.put(item, timeout=0.5)
                    break
                except queues.Full:
                    continue

    def stop(self) -> None:
        """End the child process and the receiving thread if still running (after a failure on the writing side)."""
        self._stopping.set()
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            if self._receiver is not None:
                # It notices the stop or the child's end within a second, unless the child died halfway
                # through sending a chunk: then it waits for the rest forever, and, being a daemon, ends
                # with this process.
                self._receiver.join(timeout=5)
            self._queue.close()
            self._process = None

    def _next_item(self):
        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queues.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(f"the demo generator stopped (exit code {self._process.exitcode})") from None


def can_fork() -> bool:
    """Whether this platform starts child processes by forking (the generator then needs no re-import)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _produce(plan: Plan, queue) -> None:
    started = time.process_time()
    try:
        for chunk in generate(plan):
            queue.put(chunk)
        queue.put(_Done(time.process_time() - started))
    except BaseException:  # noqa: BLE001 - the parent must hear of any failure, or it would wait forever
        queue.put(_Failed(traceback.format_exc()))
