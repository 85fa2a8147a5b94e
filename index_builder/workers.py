"""Worker processes for ingest: an ordered map over byte payloads.

concurrent.futures pickles every payload into a pipe and every result back out: for
ingest's half-megabyte pieces of XML that is four copies each way plus two helper
threads in the main process contending for its GIL, about a tenth of ingest's CPU
time. Here each worker owns a few slots of anonymous shared memory, mapped before the
fork: the main process writes a payload into a slot once, the worker reads it in
place and writes its result into the matching output slot, which the main process
decodes in place. The pipes carry only which slot and how many bytes. A result too
large for its slot travels through the pipe instead, and a payload too large for one
runs in the main process.

Workers are forked, so they need no pickling of functions or state and share the
parent's imported modules. Where fork does not exist (Windows), or with one worker,
the map runs in the calling process.
"""
from __future__ import annotations

import collections
import gc
import mmap
import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any, Callable, Deque, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

Payload = Union[bytes, Sequence[bytes]]  # pieces are written one after another
Task = Callable[..., bytes]  # (memoryview of the payload, *args) -> result

SLOT_BYTES = 8 << 20  # mapped lazily: only the pages a payload touches take memory
AHEAD = 2  # payloads queued per worker: one being worked on, one waiting


def _length(payload: Payload) -> int:
    return len(payload) if isinstance(payload, (bytes, bytearray, memoryview)) else sum(map(len, payload))


def _join(payload: Payload) -> bytes:
    return bytes(payload) if isinstance(payload, (bytes, bytearray, memoryview)) else b"".join(payload)


def _write(slot: mmap.mmap, payload: Payload) -> None:
    if isinstance(payload, (bytes, bytearray, memoryview)):
        payload = (payload,)
    offset = 0
    for piece in payload:
        slot[offset:offset + len(piece)] = piece
        offset += len(piece)


class WorkerError(RuntimeError):
    """A worker process died, or raised something that could not be sent back."""


class _Worker:
    def __init__(self, context, slot_bytes: int, ahead: int):
        self.inputs = [mmap.mmap(-1, slot_bytes) for _ in range(ahead)]
        self.outputs = [mmap.mmap(-1, slot_bytes) for _ in range(ahead)]
        self.conn, child_conn = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child_conn, self.inputs, self.outputs),
                                       daemon=True)
        self.process.start()
        child_conn.close()
        self.free: Deque[int] = collections.deque(range(ahead))
        self.busy: Deque[int] = collections.deque()  # slots with a job sent, in order

    def receive(self) -> Tuple[str, int, int, Any]:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=1)
            raise WorkerError(f"an ingest worker process exited unexpectedly (exit code "
                              f"{self.process.exitcode}); if the machine ran out of memory, "
                              "pass --workers 1") from None

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()
        for slot in self.inputs + self.outputs:
            slot.close()


def _serve(conn: Connection, inputs: List[mmap.mmap], outputs: List[mmap.mmap]) -> None:
    """A worker's loop: run the current task on each payload until told to stop."""
    # Records are trees of dicts and lists without cycles, which reference counting
    # frees; the cyclic collector's passes over every young container cost ingest 3%.
    gc.disable()
    task: Optional[Task] = None
    args: tuple = ()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the main process is gone
            return
        if message is None:
            return
        if message[0] == "task":
            _, task, args = message
            continue
        _, slot, size = message
        view = memoryview(inputs[slot])[:size]
        try:
            result = task(view, *args)
        except BaseException as exc:  # handed to the main process, which raises it
            conn.send(("error", slot, 0, _sendable(exc)))
            continue
        finally:
            del view
        if len(result) <= len(outputs[slot]):
            outputs[slot][:len(result)] = result
            conn.send(("ok", slot, len(result), None))
        else:
            conn.send(("ok", slot, len(result), result))


def _sendable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception that does not survive pickling
        return WorkerError(f"{exc.__class__.__name__}: {exc}")


class WorkerPool:
    """`workers` forked processes that run tasks over byte payloads, in order."""

    def __init__(self, workers: int, slot_bytes: int = SLOT_BYTES, ahead: int = AHEAD):
        self.slot_bytes = slot_bytes
        self.ahead = ahead
        self._workers: List[_Worker] = []
        if workers > 1 and hasattr(os, "fork"):
            context = multiprocessing.get_context("fork")
            try:
                for _ in range(workers):
                    self._workers.append(_Worker(context, slot_bytes, ahead))
            except BaseException:
                self.close()
                raise

    @property
    def processes(self) -> int:
        return len(self._workers)

    def map(self, task: Task, payloads: Iterable[Payload], args: tuple = (),
            decode: Callable[[Any], Any] = bytes) -> Iterator[Any]:
        """`decode(task(payload, *args))` for each payload, in order.

        `task` runs in a worker on a memoryview of the payload, valid during the call,
        and returns bytes; `decode` runs here on a view of those bytes, valid during the
        call, and must copy what it keeps (marshal.loads and bytes do). Errors the task
        raises are raised here, in order.
        """
        if not self._workers:
            for payload in payloads:
                yield decode(task(memoryview(_join(payload)), *args))
            return
        for worker in self._workers:
            worker.conn.send(("task", task, args))
        # In flight, in order: (worker, None), or (None, payload) for a payload too large
        # for a slot, which runs here when its turn comes.
        order: Deque[Tuple[Optional[_Worker], Optional[Payload]]] = collections.deque()
        queue = iter(payloads)
        turn = 0
        try:
            while True:
                while len(order) < self.ahead * len(self._workers):
                    payload = next(queue, None)
                    if payload is None:
                        break
                    worker = self._workers[turn % len(self._workers)]
                    turn += 1
                    order.append(self._send(worker, payload))
                if not order:
                    return
                worker, payload = order.popleft()
                if worker is None:
                    yield decode(task(memoryview(_join(payload)), *args))
                else:
                    yield self._take(worker, decode)
        finally:
            # Stopped early (--limit) or failed: collect what is in flight, so every
            # worker is idle and every slot free for the next map.
            for worker, _ in order:
                if worker is not None:
                    try:
                        self._take(worker, lambda view: None)
                    except WorkerError:
                        raise
                    except Exception:  # noqa: BLE001 - the task's own error, now moot
                        pass

    def _send(self, worker: _Worker, payload: Payload) -> Tuple[Optional[_Worker], Optional[Payload]]:
        size = _length(payload)
        if size > self.slot_bytes or not worker.free:
            return None, payload
        slot = worker.free.popleft()
        _write(worker.inputs[slot], payload)
        # Messages this way are always small, so this never waits for a worker that is
        # itself waiting to send a large result.
        worker.conn.send(("job", slot, size))
        worker.busy.append(slot)
        return worker, None

    @staticmethod
    def _take(worker: _Worker, decode: Callable[[Any], Any]) -> Any:
        status, slot, size, inline = worker.receive()
        expected = worker.busy.popleft()
        assert slot == expected, (slot, expected)
        try:
            if status == "error":
                raise inline
            if inline is not None:
                return decode(memoryview(inline))
            with memoryview(worker.outputs[slot]) as whole, whole[:size] as view:
                return decode(view)
        finally:
            worker.free.append(slot)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
