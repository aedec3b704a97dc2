"""Suite-wide guards."""

from __future__ import annotations

import os


def pytest_configure() -> None:
    # A developer's own mail settings must never make a test run mail real recipients;
    # the mail tests set their own.
    for name in list(os.environ):
        if name.startswith(("JUESUAN_SMTP_", "JUESUAN_MAIL_")):
            del os.environ[name]
