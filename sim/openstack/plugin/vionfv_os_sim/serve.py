"""Serve one OpenStack WSGI application with gunicorn over TLS:
`python -m vionfv_os_sim.serve MODULE BIND CERT KEY [ARGV...]`.

The services' WSGI modules (keystone.wsgi.api, neutron.wsgi.api, nova.wsgi.osapi_compute,
octavia.wsgi.api) build their application at import time and read oslo.config options from `sys.argv`
(neutron/server/__init__.py `_init_configuration` passes `sys.argv[1:]`, octavia/api/app.py
`setup_app` passes `sys.argv`): gunicorn's own argv would be taken for theirs, so the module is imported
in the worker with `sys.argv` set to ARGV.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):  # type: ignore[misc]
    def __init__(self, module: str, options: dict[str, Any], argv: list[str]) -> None:
        self._module, self._options, self._argv = module, options, argv
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        sys.argv = self._argv
        return importlib.import_module(self._module).application


def main() -> None:
    module, bind, cert, key, *argv = sys.argv[1:]
    options = {
        "bind": bind,
        "certfile": cert,
        "keyfile": key,
        "workers": 1,
        "worker_class": "gthread",
        "threads": 8,
        "timeout": 300,
        "accesslog": "-",
    }
    _App(module, options, argv or [module]).run()


if __name__ == "__main__":
    main()
