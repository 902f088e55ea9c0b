"""``aliyun-sms console``: a local page to fill in, test-send and save a connector config.

Not imported by the connector package, nor at the CLI's start (it needs aiohttp): ``runner``
starts a console (``start``, ``serve``, ``ConsoleThread``), ``server`` holds its routes,
``store`` its config file and the secret, ``results`` what a failed test send says.
"""
