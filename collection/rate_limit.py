"""Stay inside Discogs' rate limit: pace from the headers, back off on 429.

Discogs counts requests in a moving 60-second window (25 a minute anonymous, 60 with a
token) and reports the state on every answer:

    X-Discogs-Ratelimit: 60              requests allowed per window
    X-Discogs-Ratelimit-Used: 12         used in the current window
    X-Discogs-Ratelimit-Remaining: 48    left in the current window

When few are left the limiter spaces requests one window/limit apart (the rate the
window refills at), so a long collection is fetched slowly but without a 429. When a
429 comes anyway, the caller backs off: Retry-After when Discogs sends it, else
exponentially. One limiter is shared by every fetch of a process, because the limit
is per client address (or token), not per request.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Mapping, Optional

WINDOW_SECONDS = 60.0


def _header_int(headers: Mapping[str, str], name: str) -> Optional[int]:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def retry_after_seconds(headers: Mapping[str, str]) -> Optional[float]:
    """Retry-After in seconds (Discogs sends the delta form), None when absent or a date."""
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class RateLimiter:
    def __init__(self, reserve: int = 2, window: float = WINDOW_SECONDS,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.reserve = reserve
        self.window = window
        self.limit: Optional[int] = None
        self.remaining: Optional[int] = None
        self._sleep = sleep
        self._clock = clock
        self._next_allowed = 0.0
        self._lock = threading.Lock()

    def observe(self, headers: Mapping[str, str]) -> None:
        """Read the X-Discogs-Ratelimit-* headers of an answer."""
        limit = _header_int(headers, "X-Discogs-Ratelimit")
        remaining = _header_int(headers, "X-Discogs-Ratelimit-Remaining")
        with self._lock:
            if limit:
                self.limit = limit
            if remaining is not None:
                self.remaining = remaining
                if remaining <= self.reserve:
                    # Few left: the next request waits for the window to refill by one.
                    self._next_allowed = self._clock() + self.pause_between_requests()

    def pause_between_requests(self) -> float:
        return self.window / max(self.limit or 25, 1)

    def wait_time(self) -> float:
        with self._lock:
            return max(0.0, self._next_allowed - self._clock())

    def wait(self, deadline: Optional[float] = None) -> bool:
        """Sleep until the next request may go; False (no sleep) when that would pass
        `deadline` (a `clock()` value)."""
        delay = self.wait_time()
        if delay <= 0:
            return True
        if deadline is not None and self._clock() + delay > deadline:
            return False
        self._sleep(delay)
        return True

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def now(self) -> float:
        return self._clock()
