"""The resource every non-dbt asset uses: where the inbox and the home directory are."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from orchestration.ingest import DEFAULT_MAX_BYTES
from orchestration.paths import Home, default_home, default_inbox


class JuesuanHome(ConfigurableResource):
    """Inbox and home directory. Defaults come from JUESUAN_INBOX / JUESUAN_HOME."""

    inbox: str
    home: str
    max_file_bytes: int = DEFAULT_MAX_BYTES

    def paths(self) -> Home:
        return Home(Path(self.home).resolve())

    def layout(self) -> Home:
        """The home's layout, its directories created."""
        return self.paths().ensure()


def home_from_env() -> JuesuanHome:
    return JuesuanHome(inbox=str(default_inbox()), home=str(default_home()))
