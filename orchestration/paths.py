"""Where things live: the project, the bundled inbox and a run's home directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from extractors import EXTRACTOR_VERSION

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLE_INBOX = PROJECT_ROOT / "samples" / "inbox"


def default_home() -> Path:
    return Path(os.environ.get("JUESUAN_HOME", "var")).resolve()


def default_inbox() -> Path:
    return Path(os.environ.get("JUESUAN_INBOX", str(SAMPLE_INBOX))).resolve()


@dataclass(frozen=True)
class Home:
    """The layout of a home directory (`--home`, `JUESUAN_HOME`, default `./var`)."""

    root: Path

    @property
    def build_db(self) -> Path:
        return self.root / "build" / "build.duckdb"  # private to the pipeline

    @property
    def raw_store(self) -> Path:
        # The raw rows of every cached document, kept between runs (orchestration.raw_store).
        return self.root / "build" / "raw_store.duckdb"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"  # published; readers open it read-only

    @property
    def export_dir(self) -> Path:
        return self.root / "export"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def extracted_dir(self) -> Path:
        # The extraction cache, one JSON per content hash, per version of the extractors.
        return self.root / "extracted" / f"v{EXTRACTOR_VERSION}"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    def ensure(self) -> Home:
        for path in (self.build_db.parent, self.reports_dir, self.extracted_dir, self.dagster_home):
            path.mkdir(parents=True, exist_ok=True)
        self.build_db.parent.chmod(0o700)  # the build database is private to the pipeline
        dagster_yaml = self.dagster_home / "dagster.yaml"
        if not dagster_yaml.exists():
            # Dagster ignores DO_NOT_TRACK; this is the only switch it honours.
            dagster_yaml.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        return self
