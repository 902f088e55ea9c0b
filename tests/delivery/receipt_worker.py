"""One worker process behind the receipt URL: ``python receipt_worker.py PUSHES.json``.

The store comes from ALIYUN_SMS_LIMITS_URL, as in a real deployment. It says "ready" on stdout,
waits for "go" on stdin, hands every push (a JSON list of bodies) to its own DeliveryReceiver,
then prints the BizIds its on_delivery callback saw and the answers, as one JSON line.
"""

from __future__ import annotations

import json
import sys

import logto_connector_aliyun_sms as aliyun_sms

TOKEN = "worker-token-0123456789-abcdefgh"


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        pushes: list[str] = json.load(file)
    seen: list[str] = []
    aliyun_sms.on_delivery(lambda report: seen.append(report["biz_id"] or ""))
    receiver = aliyun_sms.DeliveryReceiver(token=TOKEN)
    print("ready", flush=True)
    sys.stdin.readline()
    answers = [receiver.handle("POST", {"token": TOKEN}, push)[0] for push in pushes]
    print(json.dumps({"seen": seen, "answers": answers}), flush=True)


if __name__ == "__main__":
    main()
