"""One worker process of the load tests: rounds of N threads sending at once, on a signal.

Each round: stdin gives one JSON line {"config", "messages": [data, ...]}, then "go"; stdout
says "ready", then the outcomes as JSON. An empty line ends the process. The store comes from
ALIYUN_SMS_LIMITS_URL, as in a real deployment.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from typing import Any

import logto_connector_aliyun_sms as aliyun_sms


def round_of_sends(job: dict[str, Any]) -> None:
    """Start a thread per message, wait for go, report what happened."""
    outcomes: Counter[str] = Counter()
    slowest = [0.0]
    lock = threading.Lock()
    go = threading.Event()

    def send(data: dict[str, Any]) -> None:
        go.wait()
        started = time.monotonic()
        try:
            aliyun_sms.send_message(data, job["config"])
            outcome = "sent"
        except aliyun_sms.ConnectorError as error:
            outcome = f"{error.code.value}:{(error.data or {}).get('limit')}"
        with lock:
            outcomes[outcome] += 1
            slowest[0] = max(slowest[0], time.monotonic() - started)

    threads = [threading.Thread(target=send, args=(data,)) for data in job["messages"]]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    sys.stdin.readline()
    go.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"outcomes": outcomes, "slowest_s": slowest[0]}), flush=True)


def main() -> None:
    import alibabacloud_dysmsapi20170525.client  # noqa: F401  (imports before the first round)

    for line in sys.stdin:
        if not line.strip():
            break
        round_of_sends(json.loads(line))


if __name__ == "__main__":
    main()
