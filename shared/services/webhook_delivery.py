"""Sending webhook deliveries (the worker's side): signed per Standard Webhooks, retried with backoff.

One attempt (`attempt`): claim the delivery for a while (a lease, so two workers never
send it at once and one killed mid-send lets it go), sign the stored body with the
`standardwebhooks` library (webhook-id, webhook-timestamp, webhook-signature:
HMAC-SHA256), POST it outside any database transaction, then record what came back.
2xx is delivered. 410 Gone disables the subscription (the receiver wants no more).
Anything else, a timeout (WEBHOOK_TIMEOUT_SECONDS, 10 s for the whole attempt) or a
refused connection is tried again after the next delay of RETRY_DELAYS (the spec's
example schedule as Svix runs it, with ±10% jitter): 8 attempts over about 27.5 hours.
When the last one fails, the delivery has failed and its subscription is disabled,
saying why (`disabled_reason`, `last_failure`).

Each attempt resolves the URL's host again and connects to an address it checked
(public only, unless WEBHOOKS_ALLOW_PRIVATE), so a name that changes its address
between the check and the connection (DNS rebinding) cannot reach the inside.
"""
import http.client
import logging
import random
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from shared.models import (
    DeliveryStatus, DisabledReason, WebhookAttempt, WebhookDelivery, WebhookSubscription, utcnow,
)
from shared.services.webhooks import is_public, resolve

log = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 36000, 36000)
EXCERPT_BYTES = 1024
USER_AGENT = "Tawasi-Webhooks/1"


@dataclass
class Outcome:
    status_code: int | None = None
    excerpt: str = ""
    error: str | None = None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def summary(self) -> str:
        return f"HTTP {self.status_code}" if self.status_code is not None else (self.error or "failed")


class _Pinned(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> Outcome:
    """POST `body` to `url` once; never follows redirects (a 3xx is a failure, per the spec)."""
    started = time.monotonic()
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    allowed = [a for a in addresses if allow_private or is_public(a)]
    if not addresses:
        return Outcome(error=f"could not resolve {host}")
    if not allowed:
        return Outcome(error=f"{host} resolves to a private address; refused")
    connection_class = _PinnedTLS if parts.scheme == "https" else _Pinned
    connection = connection_class(host, port, allowed[0], timeout)
    # The whole attempt, headers and body read included, ends after `timeout` seconds.
    watchdog = threading.Timer(timeout, lambda: connection.sock and connection.sock.close())
    watchdog.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        return Outcome(response.status, excerpt, duration_ms=int((time.monotonic() - started) * 1000))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        elapsed = time.monotonic() - started
        error = "timed out" if elapsed >= timeout or isinstance(exc, TimeoutError) else (
            f"{type(exc).__name__}: {exc}"[:300])
        return Outcome(error=error, duration_ms=int(elapsed * 1000))
    finally:
        watchdog.cancel()
        connection.close()


def signed_headers(secret: str, event_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, at, body),
    }


def _next_delay(attempts: int) -> float | None:
    """Seconds until the next attempt after `attempts` failed ones; None when they are over."""
    if attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts - 1]
    return base * random.uniform(0.9, 1.1)


@dataclass
class Claimed:
    """A delivery a worker now holds: what it needs to send it."""

    delivery_id: str
    url: str
    secret: str
    event_id: str
    body: str
    number: int  # of this attempt


def claim(session: Session, delivery_id: str, *, lease: timedelta) -> Claimed | None:
    """Hold the delivery for `lease` if it is pending, due, free and its subscription is on;
    None otherwise (another worker has it, it was delivered, or it is not due). The caller
    commits before sending, so the lease is seen by every other worker."""
    now = utcnow()
    claimed = session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.pending,
               WebhookDelivery.next_attempt_at <= now,
               sa.or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
               WebhookDelivery.subscription_id.in_(
                   sa.select(WebhookSubscription.id).where(WebhookSubscription.enabled)))
        .values(locked_until=now + lease)
    ).rowcount
    if not claimed:
        return None
    delivery = session.get(WebhookDelivery, delivery_id)
    return Claimed(delivery_id, delivery.subscription.url, delivery.subscription.secret,
                   delivery.event_id, delivery.body, delivery.attempt_count + 1)


def send(claimed: Claimed, *, timeout: float, allow_private: bool) -> tuple[datetime, Outcome]:
    """One signed POST of a claimed delivery (no database work: run it outside a transaction)."""
    sent_at = utcnow()
    headers = signed_headers(claimed.secret, claimed.event_id, claimed.body, sent_at)
    return sent_at, post(claimed.url, claimed.body.encode(), headers, timeout=timeout,
                         allow_private=allow_private)


def record(session: Session, claimed: Claimed, sent_at: datetime, outcome: Outcome) -> float | None:
    """Log the attempt and move the delivery on: delivered, retried later, or failed.

    Returns the seconds until the next attempt when one is left (the caller schedules it).
    """
    delivery = session.get(WebhookDelivery, claimed.delivery_id)
    if delivery is None:  # its subscription was deleted meanwhile
        return None
    session.add(WebhookAttempt(delivery_id=delivery.id, number=claimed.number, at=sent_at,
                               status_code=outcome.status_code, error=outcome.error,
                               response_excerpt=outcome.excerpt, duration_ms=outcome.duration_ms))
    delivery.attempt_count, delivery.locked_until = claimed.number, None
    delay = None
    if outcome.delivered:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.delivered, utcnow(), None)
    elif outcome.status_code == 410:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, None
        _disable(session, delivery.subscription_id, DisabledReason.gone, outcome)
    elif (delay := _next_delay(claimed.number)) is not None:
        delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, None
        _disable(session, delivery.subscription_id, DisabledReason.failing, outcome)
    session.flush()
    return delay


def _disable(session: Session, subscription_id: str, reason: DisabledReason, outcome: Outcome) -> None:
    """Turn a subscription off, saying why: one conditional UPDATE (never Stale against its owner)."""
    session.execute(sa.update(WebhookSubscription)
                    .where(WebhookSubscription.id == subscription_id, WebhookSubscription.enabled)
                    .values(enabled=False, disabled_reason=reason, disabled_at=utcnow(),
                            last_failure=outcome.summary()[:300], version=WebhookSubscription.version + 1))


def due(session: Session, now: datetime | None = None, limit: int = 1000) -> list[tuple[str, datetime | None]]:
    """Pending deliveries of enabled subscriptions that are due, with the time each is free to take."""
    now = now or utcnow()
    rows = session.execute(
        sa.select(WebhookDelivery.id, WebhookDelivery.locked_until)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.status == DeliveryStatus.pending, WebhookDelivery.next_attempt_at <= now,
               WebhookSubscription.enabled)
        .order_by(WebhookDelivery.next_attempt_at).limit(limit)
    ).all()
    return [(delivery_id, locked if locked and locked > now else None) for delivery_id, locked in rows]


def prune(session: Session, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget delivered and failed deliveries older than `older_than` (their attempts go with them)."""
    cutoff = (now or utcnow()) - older_than
    return session.execute(sa.delete(WebhookDelivery).where(
        WebhookDelivery.status != DeliveryStatus.pending, WebhookDelivery.created_at < cutoff)).rowcount
