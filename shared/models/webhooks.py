"""Webhooks: integrators' subscriptions, the outbox of deliveries, and each delivery's attempts.

A delivery is written in the same transaction as the change it tells of (the outbox),
so none is lost and none goes out for a change that rolled back; the worker sends it.
"""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import User
from shared.models.base import IdMixin, TimestampMixin, UTCDateTime, VersionMixin, enum_column, utcnow


class DisabledReason(str, enum.Enum):
    failing = "failing"  # every attempt of a delivery failed, over about a day
    gone = "gone"  # the receiver answered 410 Gone: it wants no more
    owner = "owner"  # its owner turned it off


class DeliveryStatus(str, enum.Enum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class WebhookSubscription(IdMixin, TimestampMixin, VersionMixin, db.Model):
    """Where to send which events of the owner's shops, signed with `secret`."""

    __tablename__ = "webhook_subscriptions"

    owner_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # " order.created payment.recorded ": padded, so one LIKE finds the subscribers of a type.
    events: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    # whsec_ + base64 of 32 random bytes: shown once, kept to sign (HMAC needs the key itself).
    secret: Mapped[str] = mapped_column(sa.String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[DisabledReason | None] = mapped_column(enum_column(DisabledReason))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure: Mapped[str | None] = mapped_column(sa.String(300))

    owner: Mapped[User] = relationship()

    @property
    def event_types(self) -> list[str]:
        return self.events.split()

    @classmethod
    def visible_to(cls, user: User, shop_ids=None) -> sa.ColumnElement[bool]:
        from shared.models.accounts import Role

        return sa.true() if user.role == Role.admin else cls.owner_id == user.id


class WebhookDelivery(IdMixin, TimestampMixin, db.Model):
    """One event for one subscription: its signed body, where it stands, when to try next."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
                      sa.Index("ix_webhook_deliveries_log", "subscription_id", "created_at", "id"))

    subscription_id: Mapped[str] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(sa.String(26), index=True)  # the webhook-id header
    event_type: Mapped[str] = mapped_column(sa.String(60))
    body: Mapped[str] = mapped_column(sa.Text)  # exactly the bytes signed and sent
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.pending)
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # A worker sending it holds it until then; one killed mid-send lets it go when this passes.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replay_of_id: Mapped[str | None] = mapped_column(sa.String(26))

    subscription: Mapped[WebhookSubscription] = relationship()
    attempts: Mapped[list["WebhookAttempt"]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="WebhookAttempt.number")


class WebhookAttempt(IdMixin, db.Model):
    """One try at sending a delivery: the answer's status and its first 1 KB, or what went wrong."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.String(300))
    response_excerpt: Mapped[str] = mapped_column(sa.Text, default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempts")
