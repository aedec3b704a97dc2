"""The resource every non-dbt asset uses (inbox and home) and their retry policy."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import Backoff, ConfigurableResource, RetryPolicy
from pydantic import Field

from orchestration.ingest import DEFAULT_MAX_BYTES
from orchestration.paths import Home, default_home, default_inbox

# Transient failures (a full disk, a locked file) are retried twice, after 10 s and 30 s. A
# file that cannot be read is no failure: it is recorded and the run goes on.
TRANSIENT_RETRY = RetryPolicy(max_retries=2, delay=10, backoff=Backoff.EXPONENTIAL)


def cpu_count() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    return len(os.sched_getaffinity(0))


class JuesuanHome(ConfigurableResource):
    """Inbox and home directory. Defaults come from JUESUAN_INBOX / JUESUAN_HOME; the
    number of extraction workers from JUESUAN_EXTRACT_WORKERS, else the CPU count."""

    inbox: str
    home: str
    max_file_bytes: int = DEFAULT_MAX_BYTES
    extract_workers: int = Field(default_factory=cpu_count, ge=1, le=256)
    extract_timeout_seconds: float = Field(default=600.0, gt=0)  # per file

    def paths(self) -> Home:
        return Home(Path(self.home).resolve())

    def layout(self) -> Home:
        """The home's layout, its directories created."""
        return self.paths().ensure()


def home_from_env() -> JuesuanHome:
    workers = os.environ.get("JUESUAN_EXTRACT_WORKERS")
    return JuesuanHome(
        inbox=str(default_inbox()),
        home=str(default_home()),
        **({"extract_workers": int(workers)} if workers else {}),
    )
