"""Webhook subscriptions, and the outbox: events become deliveries in their change's transaction.

An owner (a seller's user, a coordinator, an admin) subscribes a URL to event types.
When a transaction that emitted events (shared.events) commits, `before_commit` writes
one delivery per event and interested subscription into `webhook_deliveries`, inside
that same transaction; once it has committed, the deliveries are queued for the worker
(shared.tasks). If queueing fails, or the worker dies mid-send, the worker's sweep
finds every delivery still pending. A subscription sees only its owner's shops: the
payload is the row as its owner would GET it, and a row the owner may not see is not sent.

URLs must be https on public addresses (WEBHOOKS_ALLOW_PRIVATE allows http and private,
loopback and link-local addresses, for tests and local development); the worker checks
the addresses a name resolves to again at each attempt (DNS rebinding).
"""
import base64
import ipaddress
import json
import logging
import secrets
import socket
from collections import defaultdict
from collections.abc import Mapping
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import EVENT_TYPES, PENDING, TEST_EVENT
from shared.models import (
    DeliveryStatus, DisabledReason, Role, User, WebhookDelivery, WebhookSubscription, new_id, utcnow,
)
from shared.services.access import get_for, scoped
from shared.services.kinds import KINDS, dump, users_of, visible_rows
from shared.services.pagination import Page, keyset_page

log = logging.getLogger(__name__)

ENQUEUE = "webhooks.enqueue"  # session.info: deliveries to queue once the transaction commits
JOINED = "webhooks.joined"  # session.info: a batch operation's session (its commit is a savepoint)
MAX_SUBSCRIPTIONS = 20


# --- the outbox ------------------------------------------------------------------------------


def _payload(type_: str, at, data: dict, extra: Mapping) -> str:
    """The body, as signed and sent (Standard Webhooks: type, timestamp, data)."""
    return json.dumps({"type": type_, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data,
                       **extra}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _subscribers(session: Session, type_: str, tenant_id: str) -> list[WebhookSubscription]:
    return list(session.scalars(
        sa.select(WebhookSubscription).join(User, User.id == WebhookSubscription.owner_id)
        .where(WebhookSubscription.enabled, WebhookSubscription.events.like(f"% {type_} %"),
               sa.or_(User.role == Role.admin, WebhookSubscription.owner_id.in_(users_of(tenant_id))))
        .options(selectinload(WebhookSubscription.owner))
    ))


def write_outbox(session: Session) -> None:
    """The session's emitted events as deliveries, one per interested subscription.

    Read in groups, not per event: a batch of 100 offline orders asks for the subscribers
    once per (event type, tenant) and loads the rows once per (owner, kind).
    """
    pending = [event for event in session.info.pop(PENDING, None) or () if event[1] in KINDS]
    if not pending:
        return
    subscribers = {key: _subscribers(session, *key)
                   for key in dict.fromkeys((type_, tenant_id) for type_, _k, _r, tenant_id, _a, _e in pending)}
    wanted: dict[tuple[User, str], set[str]] = defaultdict(set)  # (owner, kind) -> row ids
    for type_, kind_name, row_id, tenant_id, _at, _extra in pending:
        for subscription in subscribers[type_, tenant_id]:
            wanted[subscription.owner, kind_name].add(row_id)
    dumped: dict[tuple[str, str, str], dict] = {}  # (owner id, kind, row id) -> the row as she'd GET it
    for (owner, kind_name), ids in wanted.items():
        kind = KINDS[kind_name]
        rows = visible_rows(session, owner, kind, ids)
        for row_id, data in zip(rows, dump(kind, rows.values())):
            dumped[owner.id, kind_name, row_id] = data
    new = []
    for type_, kind_name, row_id, tenant_id, at, extra in pending:
        event_id = new_id()
        for subscription in subscribers[type_, tenant_id]:
            data = dumped.get((subscription.owner_id, kind_name, row_id))
            if data is None:  # not the owner's to see
                continue
            delivery = WebhookDelivery(subscription_id=subscription.id, event_id=event_id, event_type=type_,
                                       body=_payload(type_, at, data, extra), next_attempt_at=utcnow())
            session.add(delivery)
            new.append(delivery)
    if new:
        session.flush()
        session.info.setdefault(ENQUEUE, []).extend(d.id for d in new)


def _enqueue(delivery_ids: list[str]) -> None:
    from shared import tasks

    try:
        for delivery_id in delivery_ids:
            tasks.deliver(delivery_id)
    except Exception:  # the queue is down: the worker's sweep will find them pending
        log.exception("could not queue %d webhook deliveries", len(delivery_ids))


@sa.event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(PENDING):
        write_outbox(session)


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.get(JOINED):  # a savepoint released, not a commit: the batch carries them over
        return
    if delivery_ids := session.info.pop(ENQUEUE, None):
        _enqueue(delivery_ids)


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    forget(session)


def forget(session: Session) -> None:
    """Events and deliveries of a transaction that did not commit go with it."""
    session.info.pop(PENDING, None)
    session.info.pop(ENQUEUE, None)


def joined(session: Session) -> None:
    """Mark a batch operation's session: its commit releases a savepoint of the batch's transaction."""
    session.info[JOINED] = True


def carry_over(operation: Session, batch: Session) -> None:
    """An operation's deliveries go to the queue when the batch's transaction commits."""
    if delivery_ids := operation.info.pop(ENQUEUE, None):
        batch.info.setdefault(ENQUEUE, []).extend(delivery_ids)


# --- URLs ------------------------------------------------------------------------------------

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the app's WEBHOOKS_RESOLVER, else the system's DNS)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    resolver = current_app.config.get("WEBHOOKS_RESOLVER")
    if resolver is not None:
        return list(resolver(host, port))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str) -> str:
    """`url` if the worker may send to it.

    :raise Invalid: (`webhook-url-refused`) not https, or on a private, loopback or
        link-local address, unless WEBHOOKS_ALLOW_PRIVATE is set.
    """
    allow_private = current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", False)
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        host = port = None
    if parts.scheme not in (("https", "http") if allow_private else ("https",)) or not host:
        raise Invalid("url", _l("must be an https:// URL"), code="webhook-url-refused")
    if allow_private:
        return url
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        if "." not in host or host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
            addresses = ["127.0.0.1"]
        else:
            addresses = resolve(host, port)
    if any(not is_public(address) for address in addresses):
        raise Invalid("url", _l("points at a private, loopback or link-local address; webhooks "
                                "go to public addresses only"), code="webhook-url-refused")
    return url


# --- subscriptions ---------------------------------------------------------------------------


def _events(event_types) -> str:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise Invalid("event_types", _l("unknown event type %(type)r", type=unknown[0]))
    return " " + " ".join(sorted(set(event_types))) + " "


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_subscription(session: Session, user: User, data: Mapping) -> WebhookSubscription:
    """`data`: url, event_types, description. The secret is in the answer, only this once.

    :raise Forbidden: a promoter (subscriptions belong to shop owners, coordinators, admins).
    :raise Invalid: a refused URL; an unknown event type.
    :raise Conflict: the user has MAX_SUBSCRIPTIONS already.
    """
    if user.role not in (Role.seller, Role.coordinator, Role.admin):
        raise Forbidden(_l("Only sellers, coordinators and admins can subscribe to webhooks."))
    count = session.scalar(sa.select(sa.func.count()).where(WebhookSubscription.owner_id == user.id))
    if count >= MAX_SUBSCRIPTIONS:
        raise Conflict(_l("You have %(count)s webhook subscriptions, the most one user may have; "
                          "delete one first.", count=count))
    subscription = WebhookSubscription(owner_id=user.id, url=check_url(data["url"]),
                                       events=_events(data["event_types"]),
                                       description=data.get("description") or "", secret=new_secret(),
                                       enabled=True)
    session.add(subscription)
    flush(session)
    return subscription


def list_subscriptions(session: Session, user: User, *, limit: int, cursor: str | None) -> Page:
    stmt = scoped(sa.select(WebhookSubscription), WebhookSubscription, user)
    return keyset_page(session, stmt, WebhookSubscription, limit=limit, cursor=cursor)


def get_subscription(session: Session, user: User, subscription_id: str, *,
                     for_update: bool = False) -> WebhookSubscription:
    """:raise NotFound: no such subscription of the user's."""
    return get_for(session, user, WebhookSubscription, subscription_id, for_update=for_update)


def update_subscription(session: Session, subscription: WebhookSubscription,
                        changes: Mapping) -> WebhookSubscription:
    """Change url, event_types, description and/or enabled. Enabling again clears why it was
    disabled and tries its pending deliveries again from the start of their schedule."""
    if "url" in changes:
        subscription.url = check_url(changes["url"])
    if "event_types" in changes:
        subscription.events = _events(changes["event_types"])
    if "description" in changes:
        subscription.description = changes["description"]
    if "enabled" in changes and changes["enabled"] != subscription.enabled:
        subscription.enabled = changes["enabled"]
        if subscription.enabled:
            subscription.disabled_reason = subscription.disabled_at = None
            session.execute(sa.update(WebhookDelivery)
                            .where(WebhookDelivery.subscription_id == subscription.id,
                                   WebhookDelivery.status == DeliveryStatus.pending)
                            .values(attempt_count=0, next_attempt_at=utcnow(), locked_until=None))
            due = session.scalars(sa.select(WebhookDelivery.id).where(
                WebhookDelivery.subscription_id == subscription.id,
                WebhookDelivery.status == DeliveryStatus.pending)).all()
            session.info.setdefault(ENQUEUE, []).extend(due)
        else:
            subscription.disabled_reason, subscription.disabled_at = DisabledReason.owner, utcnow()
    flush(session)
    return subscription


def delete_subscription(session: Session, subscription: WebhookSubscription) -> None:
    session.delete(subscription)
    flush(session)


# --- the delivery log --------------------------------------------------------------------------


def list_deliveries(session: Session, subscription: WebhookSubscription, *, limit: int,
                    cursor: str | None) -> Page:
    stmt = (sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
            .options(selectinload(WebhookDelivery.attempts)))
    return keyset_page(session, stmt, WebhookDelivery, limit=limit, cursor=cursor)


def get_delivery(session: Session, subscription: WebhookSubscription, delivery_id: str) -> WebhookDelivery:
    """:raise NotFound: no such delivery in this subscription's log."""
    delivery = session.scalars(sa.select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription.id)).one_or_none()
    if delivery is None:
        raise NotFound(_l("No delivery with id %(id)r for this webhook subscription.", id=delivery_id))
    return delivery


def _require_enabled(subscription: WebhookSubscription) -> None:
    if not subscription.enabled:
        raise Conflict(_l("This subscription is disabled; enable it first."), code="invalid-state",
                       current="disabled")


def _queue(session: Session, delivery: WebhookDelivery) -> WebhookDelivery:
    session.add(delivery)
    flush(session)
    session.info.setdefault(ENQUEUE, []).append(delivery.id)
    return delivery


def replay(session: Session, subscription: WebhookSubscription, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as it was (same webhook-id and body, a new timestamp).

    :raise Conflict: the subscription is disabled.
    """
    _require_enabled(subscription)
    return _queue(session, WebhookDelivery(subscription_id=subscription.id, event_id=delivery.event_id,
                                           event_type=delivery.event_type, body=delivery.body,
                                           replay_of_id=delivery.id, next_attempt_at=utcnow()))


def send_test(session: Session, subscription: WebhookSubscription) -> WebhookDelivery:
    """A `webhook.test` event to this subscription alone, to try the receiver.

    :raise Conflict: the subscription is disabled.
    """
    _require_enabled(subscription)
    at = utcnow()
    body = _payload(TEST_EVENT, at, {"subscription_id": subscription.id,
                                     "message": "A test event from Tawasi."}, {})
    return _queue(session, WebhookDelivery(subscription_id=subscription.id, event_id=new_id(),
                                           event_type=TEST_EVENT, body=body, next_attempt_at=at))
