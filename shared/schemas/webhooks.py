"""Schemas of webhook subscriptions and their delivery log."""
import json

from marshmallow import fields, validate

from shared.events import EVENT_TYPES
from shared.models import DeliveryStatus, DisabledReason
from shared.schemas.base import ID, BaseSchema, Id, OneOfNamed

_URL = validate.URL(schemes={"http", "https"}, require_tld=False, error="Not a valid https URL.")


def _event_type(**kwargs):
    return OneOfNamed("EventType", sorted(EVENT_TYPES), "A kind of event a webhook subscription receives.",
                      error="Unknown event type: use one of {choices}.", **kwargs)


_EVENT_TYPE = _event_type()
_EVENTS_DOC = ("Event types to receive: " + "; ".join(f"`{e.name}`: {e.description}" for e in EVENT_TYPES.values()))


class WebhookSubscriptionCreate(BaseSchema):
    url = fields.String(required=True, validate=[validate.Length(max=2000), _URL],
                        metadata={"example": "https://hooks.example.com/tawasi"})
    event_types = fields.List(_EVENT_TYPE, required=True, validate=validate.Length(min=1, max=len(EVENT_TYPES)),
                              metadata={"example": ["order.created", "payment.recorded"], "description": _EVENTS_DOC})
    description = fields.String(load_default="", validate=validate.Length(max=200),
                                metadata={"example": "Delivery app"})


class WebhookSubscriptionUpdate(BaseSchema):
    url = fields.String(validate=[validate.Length(max=2000), _URL])
    event_types = fields.List(_EVENT_TYPE, validate=validate.Length(min=1, max=len(EVENT_TYPES)))
    description = fields.String(validate=validate.Length(max=200))
    enabled = fields.Boolean(metadata={"description": "true turns a disabled subscription on again: "
                                                      "its pending deliveries start their schedule anew."})


class WebhookSubscription(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    url = fields.String()
    event_types = fields.List(_event_type())
    description = fields.String()
    enabled = fields.Boolean()
    disabled_reason = fields.Enum(DisabledReason, by_value=True, allow_none=True, metadata={
        "description": "Why it is off: `failing` (every attempt of a delivery failed, over about "
                       "a day), `gone` (the receiver answered 410), `owner` (turned off by you)."})
    disabled_at = fields.DateTime(allow_none=True)
    last_failure = fields.String(allow_none=True, metadata={"example": "HTTP 500",
                                                            "description": "What the last failed attempt got."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class WebhookSubscriptionCreated(WebhookSubscription):
    secret = fields.String(metadata={
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "description": "Verifies the signatures (Standard Webhooks). Shown this once: keep it."})


class WebhookAttempt(BaseSchema):
    number = fields.Integer(metadata={"example": 1})
    at = fields.DateTime()
    status_code = fields.Integer(allow_none=True, metadata={"example": 500})
    error = fields.String(allow_none=True, metadata={"example": "timed out"})
    response_excerpt = fields.String(metadata={"description": "The first 1 KB of the answer."})
    duration_ms = fields.Integer()


class WebhookDelivery(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    subscription_id = Id()
    event_id = Id(metadata={"description": "Sent as webhook-id: the same for every attempt "
                                                      "and replay of the event."})
    event_type = fields.String(metadata={"example": "order.created"})
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempt_count = fields.Integer()
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    replay_of_id = Id(allow_none=True)
    payload = fields.Function(lambda d: json.loads(d.body), metadata={"type": "object",
                                                                      "description": "The body sent."})
    attempts = fields.List(fields.Nested(WebhookAttempt))
    created_at = fields.DateTime()
