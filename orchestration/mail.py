"""Mail a run's report: SMTP settings from the environment, one message per run, a log.

Without `JUESUAN_SMTP_HOST` the message is written as `<home>/outbox/report-<run>.eml`.
Every delivery is appended to `<home>/reports/mail-log.jsonl` (time, run, recipients,
outcome, error class; never a secret); a run the log records as sent is not sent again.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Literal

from orchestration.paths import Home

log = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]
Outcome = Literal["sent", "outbox", "failed", "already_sent"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SENDER = "juesuan@localhost"


class MailConfigError(ValueError):
    """The mail settings in the environment are incomplete or unsafe."""


@dataclass(frozen=True, repr=False)
class MailSettings:
    host: str | None = None
    port: int = 587
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    recipients: tuple[str, ...] = ()
    cafile: str | None = None  # extra CA bundle to trust (an internal CA, a test server)
    timeout: float = 20.0
    attempts: int = 3
    backoff: float = 2.0  # seconds before the 2nd attempt, doubled before each next one

    def __post_init__(self) -> None:
        if not self.host:
            return  # the outbox needs no settings
        if not self.recipients:
            raise MailConfigError("JUESUAN_SMTP_HOST is set but JUESUAN_MAIL_TO is empty")
        if self.user and self.security == "none":
            raise MailConfigError("refusing to send SMTP credentials without TLS "
                                  "(JUESUAN_SMTP_SECURITY=none)")
        if bool(self.user) != bool(self.password):
            raise MailConfigError("set both JUESUAN_SMTP_USER and JUESUAN_SMTP_PASSWORD")

    def __repr__(self) -> str:
        secret = "'***'" if self.password else "None"
        return (
            f"MailSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"user={self.user!r}, password={secret}, sender={self.sender!r}, "
            f"recipients={self.recipients!r}, cafile={self.cafile!r})"
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> MailSettings:
        """Read the `JUESUAN_SMTP_*` and `JUESUAN_MAIL_*` variables (docs/report.md)."""

        def get(name: str) -> str | None:
            return environ.get(f"JUESUAN_{name}", "").strip() or None

        security = (get("SMTP_SECURITY") or "starttls").lower()
        if security not in DEFAULT_PORTS:
            raise MailConfigError("JUESUAN_SMTP_SECURITY must be starttls, ssl or none")
        port = get("SMTP_PORT") or str(DEFAULT_PORTS[security])
        if not port.isdigit():
            raise MailConfigError("JUESUAN_SMTP_PORT must be a number")
        return cls(
            host=get("SMTP_HOST"),
            port=int(port),
            security=security,  # type: ignore[arg-type]  # checked against DEFAULT_PORTS
            user=get("SMTP_USER"),
            password=environ.get("JUESUAN_SMTP_PASSWORD") or None,
            sender=_address(get("MAIL_FROM") or DEFAULT_SENDER, "JUESUAN_MAIL_FROM"),
            recipients=tuple(
                _address(a.strip(), "JUESUAN_MAIL_TO")
                for a in (get("MAIL_TO") or "").split(",") if a.strip()
            ),
            cafile=get("SMTP_CAFILE"),
        )


def _address(value: str, variable: str) -> str:
    _, address = parseaddr(value)
    if "@" not in address or any(c in value for c in "\r\n"):
        raise MailConfigError(f"{variable}: not an e-mail address")
    return value


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # maintype/subtype
    data: bytes


@dataclass(frozen=True)
class MailOutcome:
    outcome: Outcome
    attempts: int = 0
    error: str | None = None  # exception class of the last failed attempt
    path: Path | None = None  # the .eml written to the outbox
    refused: tuple[str, ...] = field(default=())  # recipients the server refused


def build_message(
    settings: MailSettings,
    *,
    subject: str,
    text: str,
    html: str,
    images: Mapping[str, bytes],
    attachments: Sequence[Attachment],
    message_id: str,
) -> EmailMessage:
    """multipart/mixed: (text | related(html, PNGs by Content-ID)) and the attachments.

    `images` maps a content id (as `cid:` URLs in `html` name it) to PNG bytes.
    """
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    if settings.recipients:
        message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    html_part = message.get_body(("html",))
    assert html_part is not None
    for cid, png in images.items():
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline")
    for item in attachments:
        maintype, subtype = item.content_type.split("/")
        params = {"charset": "utf-8"} if maintype == "text" else {}
        message.add_attachment(item.data, maintype, subtype, filename=item.filename,
                               params=params)
    return message


def outbox_dir(home: Home) -> Path:
    return home.root / "outbox"


def mail_log(home: Home) -> Path:
    return home.reports_dir / "mail-log.jsonl"


def already_sent(home: Home, run_id: str) -> bool:
    """True when the mail log records this run's report as sent."""
    path = mail_log(home)
    if not path.exists():
        return False
    with path.open(encoding="utf-8") as lines:
        records = (json.loads(line) for line in lines if line.strip())
        return any(r.get("run_id") == run_id and r.get("outcome") == "sent" for r in records)


def deliver(home: Home, run_id: str, message: EmailMessage, settings: MailSettings) -> MailOutcome:
    """Send once per run (retrying transient failures) or write to the outbox; log it.

    A failed send is returned as an outcome, not raised.
    """
    if already_sent(home, run_id):
        return MailOutcome("already_sent")
    if not settings.host:
        path = outbox_dir(home) / f"report-{run_id}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.as_bytes(policy=SMTP))  # CRLF line ends
        return _record(home, run_id, settings, MailOutcome("outbox", path=path))
    return _record(home, run_id, settings, _send_with_retries(message, settings))


def _send_with_retries(message: EmailMessage, settings: MailSettings) -> MailOutcome:
    error: OSError | None = None
    attempt = 0
    for attempt in range(1, settings.attempts + 1):
        try:
            refused = _send_once(message, settings)
            return MailOutcome("sent", attempt, refused=tuple(sorted(refused)))
        except OSError as exc:  # smtplib.SMTPException and ssl.SSLError are OSErrors
            error = exc
            log.warning("report mail attempt %d of %d failed: %s",
                        attempt, settings.attempts, _describe(exc))
            if not _transient(exc) or attempt == settings.attempts:
                break
            time.sleep(settings.backoff * 2 ** (attempt - 1))
    return MailOutcome("failed", attempt, error=_describe(error) if error else None)


def _send_once(message: EmailMessage, settings: MailSettings) -> dict[str, tuple[int, bytes]]:
    assert settings.host
    context = ssl.create_default_context(cafile=settings.cafile)
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)  # raises when not offered: no silent downgrade
        if settings.user and settings.password:
            smtp.login(settings.user, settings.password)
        return smtp.send_message(message, settings.sender, list(settings.recipients))


def _transient(exc: OSError) -> bool:
    """Worth another attempt: network trouble and 4xx replies, not 5xx or a bad certificate."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return not isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError)


def _describe(exc: OSError) -> str:
    """The exception class and SMTP code: server replies and arguments may echo secrets."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def _record(home: Home, run_id: str, settings: MailSettings, outcome: MailOutcome) -> MailOutcome:
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "recipients": list(settings.recipients),
        "outcome": outcome.outcome,
        "attempts": outcome.attempts,
        "error": outcome.error,
        "refused": list(outcome.refused),
        "path": str(outcome.path) if outcome.path else None,
    }
    path = mail_log(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return outcome
