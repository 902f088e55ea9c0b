"""``python -m aliyun_sms_sandbox``: the same as ``aliyun-sms-sandbox``."""

from .cli import main

raise SystemExit(main())
