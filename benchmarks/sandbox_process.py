"""Run the sandbox in its own process, so that it never shares a GIL with what is measured.

Protocol (one JSON object per line): on start it prints {"endpoint", "config"}; then it reads
commands {"op": "latency", "rtt_ms", "handshake_ms"} | {"op": "stats"} | {"op": "reset"} |
{"op": "count"} and answers each with one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def _serve() -> None:
    from aliyun_sms_sandbox import Sandbox

    with Sandbox(port=0) as sb:
        sb.set_balance(None)
        print(json.dumps({"endpoint": sb.endpoint, "config": sb.connector_config()}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            op = command["op"]
            answer: Any
            if op == "latency":
                sb.set_latency(rtt_ms=command["rtt_ms"], handshake_ms=command["handshake_ms"])
                answer = {"ok": True}
            elif op == "stats":
                answer = sb.stats()
            elif op == "count":
                answer = {"messages": len(sb.messages)}
            elif op == "reset":
                sb.reset()
                answer = {"ok": True}
            else:
                answer = {"error": op}
            print(json.dumps(answer), flush=True)


class SandboxProcess:
    """A sandbox in a child process, driven over its stdin/stdout."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        first = self._read()
        self.endpoint: str = first["endpoint"]
        self.config: dict[str, Any] = first["config"]

    def _read(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox process stopped")
        return json.loads(line)

    def ask(self, op: str, **args: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    _serve()
