"""``python -m logto_connector_aliyun_sms`` runs the ``aliyun-sms`` CLI."""

from .cli import main

raise SystemExit(main())
