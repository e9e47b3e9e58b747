"""Webhooks: subscriptions of integrators to the events of their shops, and their delivery log."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.base import ListQuery
from shared.schemas.webhooks import (
    WebhookDelivery, WebhookSubscription, WebhookSubscriptionCreate, WebhookSubscriptionCreated,
    WebhookSubscriptionUpdate,
)
from shared.services import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Events of your shops sent to your URL, signed per Standard Webhooks.")

subscription_schema = WebhookSubscription()

EXAMPLE = {"url": "https://hooks.example.com/tawasi", "event_types": ["order.created", "payment.recorded"],
           "description": "Delivery app"}


@blp.route("")
class Subscriptions(View):
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, WebhookSubscription(many=True))
    def get(self, query):
        """List webhook subscriptions

        Yours, newest first (an admin sees everyone's). A disabled one says why.
        """
        return page_response(webhooks.list_subscriptions(db.session, current_user, limit=query["limit"],
                                                         cursor=query["cursor"]))

    @blp.arguments(WebhookSubscriptionCreate, example=EXAMPLE)
    @blp.response(201, WebhookSubscriptionCreated)
    def post(self, data):
        """Subscribe to events

        Each event of the shops you work for, of the types chosen, is POSTed to `url` as
        JSON `{type, timestamp, data}` (`data`: the row as its GET shows it), with the
        Standard Webhooks headers `webhook-id` (the same on every retry: deduplicate on
        it), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 with `secret`,
        which this answer shows once). Answer 2xx within 10 s. Failures are retried after
        5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; when all fail, or on a 410, the
        subscription is disabled (`disabled_reason`). The URL must be https on a public
        address (`webhook-url-refused` otherwise). Sellers, coordinators and admins only.
        """
        return webhooks.create_subscription(db.session, current_user, data)


@blp.route("/<subscription_id>")
class SubscriptionById(View):
    @blp.response(200, WebhookSubscription)
    def get(self, subscription_id):
        """Get a webhook subscription

        Its URL, event types and state; never the secret again.
        """
        return webhooks.get_subscription(db.session, current_user, subscription_id)

    @blp.arguments(WebhookSubscriptionUpdate, example={"enabled": True})
    @blp.response(200, WebhookSubscription)
    def patch(self, changes, subscription_id):
        """Change a webhook subscription

        Send only the fields to change. `enabled: true` turns a disabled one on again,
        and its pending deliveries start their retry schedule anew.
        """
        subscription = webhooks.get_subscription(db.session, current_user, subscription_id, for_update=True)
        check_if_match(subscription_schema, subscription)
        return webhooks.update_subscription(db.session, subscription, changes)

    @blp.response(204)
    def delete(self, subscription_id):
        """Delete a webhook subscription

        Nothing more is sent to it; its delivery log goes with it.
        """
        subscription = webhooks.get_subscription(db.session, current_user, subscription_id, for_update=True)
        check_if_match(subscription_schema, subscription)
        webhooks.delete_subscription(db.session, subscription)


@blp.route("/<subscription_id>/deliveries")
class Deliveries(View):
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, WebhookDelivery(many=True))
    def get(self, query, subscription_id):
        """List a subscription's deliveries

        Newest first: each event sent, its status (pending, delivered, failed), and
        every attempt with the status and the first 1 KB of the answer.
        """
        subscription = webhooks.get_subscription(db.session, current_user, subscription_id)
        return page_response(webhooks.list_deliveries(db.session, subscription, limit=query["limit"],
                                                      cursor=query["cursor"]))


@blp.route("/<subscription_id>/deliveries/<delivery_id>/replay")
class Replay(View):
    @blp.response(202, WebhookDelivery)
    def post(self, subscription_id, delivery_id):
        """Replay a delivery

        Sends the event again as it was (same `webhook-id` and body, a new timestamp and
        signature), as a new delivery in the log. 409 while the subscription is disabled.
        """
        subscription = webhooks.get_subscription(db.session, current_user, subscription_id)
        delivery = webhooks.get_delivery(db.session, subscription, delivery_id)
        return webhooks.replay(db.session, subscription, delivery)


@blp.route("/<subscription_id>/test")
class TestEvent(View):
    @blp.response(202, WebhookDelivery)
    def post(self, subscription_id):
        """Send a test event

        A `webhook.test` event to this subscription alone, whatever types it chose, to
        try the receiver and its signature check. 409 while the subscription is disabled.
        """
        subscription = webhooks.get_subscription(db.session, current_user, subscription_id)
        return webhooks.send_test(db.session, subscription)
