"""The Lua script of the Redis store: check every window of a send and count it, atomically.

Sent once, then called by its SHA (``EVALSHA``; a ``NOSCRIPT`` answer sends it again with
``EVAL``). One round trip a send, one integer back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .rules import Check
from .store import Refusal

# KEYS: one sorted set per window. ARGV: now in ms ("" for Redis's own clock), the send's id,
# then each key's window in ms and capacity, space-separated in one argument (fewer arguments
# to pack and parse). A window is trimmed only when it looks full: until then its stale
# entries cannot make it refuse, and it never holds more than its capacity. Returns 0, or
# (retry after ms) * 8 + (the key's 1-based index): one integer, the cheapest reply to parse.
HIT_SCRIPT = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local spec = {}
for number in string.gmatch(ARGV[3], '%d+') do
  spec[#spec + 1] = tonumber(number)
end
for i = 1, #KEYS do
  local window, limit = spec[2 * i - 1], spec[2 * i]
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
    count = redis.call('ZCARD', KEYS[i])
    if count >= limit then
      local edge = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
      return (tonumber(edge[2]) + window - now) * 8 + i
    end
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], spec[2 * i - 1])
end
return 0
"""
_INDEX_SPAN = 8  # the reply's multiplier: more than the four windows a send has
HIT_SHA = hashlib.sha1(HIT_SCRIPT.encode(), usedforsecurity=False).hexdigest()
"""The script's name on the server (Redis names scripts by their SHA-1)."""


def script_args(checks: Sequence[Check], member: str, now_ms: int | None) -> list[str]:
    """ARGV of the script: the time (empty: Redis's clock), the send's id, the windows."""
    spec = " ".join(f"{check.window_ms} {check.max_count}" for check in checks)
    return ["" if now_ms is None else str(now_ms), member, spec]


def refusal(answer: Any, checks: Sequence[Check]) -> Refusal | None:
    """The script's answer: None (counted), or the full window and when it will have room."""
    wait, index = divmod(int(answer), _INDEX_SPAN)
    if index == 0:
        return None
    window = checks[index - 1].window_ms
    return Refusal(index - 1, min(max(wait, 1), window))
