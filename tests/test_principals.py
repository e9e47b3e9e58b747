"""A worker remembers whose a token is for PRINCIPAL_CACHE_SECONDS (shared/principals.py):
a revocation made in this process counts at once, one made elsewhere within the bound."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import ApiToken, Seller, User, utcnow
from shared.models.accounts import hash_token
from tests.factories import CoordinatorFactory, ProductFactory, SellerFactory

BOUND = 5  # seconds: config.STATIC["PRINCIPAL_CACHE_SECONDS"]


@pytest.fixture
def at(time_machine):
    time_machine.move_to("2026-11-02T08:00:00Z", tick=False)
    start = utcnow()

    def move(seconds: float) -> None:
        time_machine.move_to(start + timedelta(seconds=seconds), tick=False)
    return move


def elsewhere(statement) -> None:
    """A write by another process (another worker, a script): straight to the database,
    on a connection of its own, so this process's ORM never sees it."""
    with db.engine.begin() as conn:
        conn.execute(statement)


def test_the_bound_is_the_setting(app):
    assert app.config["PRINCIPAL_CACHE_SECONDS"] == BOUND


def test_a_token_revoked_elsewhere_stops_working_within_the_bound(client, auth, at):
    shop = SellerFactory()
    headers = auth(shop.owner)
    token = headers["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/products", headers=headers).status_code == 200  # remembered now

    elsewhere(sa.update(ApiToken).where(ApiToken.token_hash == hash_token(token)).values(revoked_at=utcnow()))

    at(BOUND - 0.5)
    assert client.get("/api/v1/products", headers=headers).status_code == 200  # still within the bound
    at(BOUND + 0.001)
    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_a_token_revoked_here_stops_working_at_once(client, auth, at):
    shop = SellerFactory()
    headers = auth(shop.owner)
    assert client.get("/api/v1/products", headers=headers).status_code == 200

    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204

    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_a_user_deactivated_elsewhere_is_refused_within_the_bound(client, auth, at):
    shop = SellerFactory()
    headers = auth(shop.owner)
    assert client.get("/api/v1/products", headers=headers).status_code == 200

    elsewhere(sa.update(User).where(User.id == shop.owner.id).values(active=False))

    at(BOUND + 0.001)
    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_a_shop_handed_over_elsewhere_is_hidden_within_the_bound(client, auth, at):
    zeina, other = CoordinatorFactory(), CoordinatorFactory()
    shop = SellerFactory(owner=None, coordinator=zeina)
    product = ProductFactory(seller=shop)
    headers = auth(zeina)
    assert len(client.get("/api/v1/products", headers=headers).json) == 1  # her shops, remembered
    assert client.get(f"/api/v1/products/{product.id}", headers=headers).status_code == 200

    elsewhere(sa.update(Seller).where(Seller.id == shop.id).values(coordinator_id=other.id))

    at(BOUND + 0.001)
    assert client.get("/api/v1/products", headers=headers).json == []
    assert client.get(f"/api/v1/products/{product.id}", headers=headers).status_code == 404


def test_a_remembered_token_still_expires_on_time(client, auth, at):
    shop = SellerFactory()
    headers = auth(shop.owner)
    token = headers["Authorization"].removeprefix("Bearer ")
    elsewhere(sa.update(ApiToken).where(ApiToken.token_hash == hash_token(token))
              .values(expires_at=utcnow() + timedelta(seconds=2)))
    assert client.get("/api/v1/products", headers=headers).status_code == 200

    at(2)

    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_without_the_cache_every_request_reads_the_token(app, client, auth, at):
    app.config["PRINCIPAL_CACHE_SECONDS"] = 0
    try:
        shop = SellerFactory()
        headers = auth(shop.owner)
        token = headers["Authorization"].removeprefix("Bearer ")
        assert client.get("/api/v1/products", headers=headers).status_code == 200
        elsewhere(sa.update(ApiToken).where(ApiToken.token_hash == hash_token(token)).values(revoked_at=utcnow()))
        assert client.get("/api/v1/products", headers=headers).status_code == 401
    finally:
        app.config["PRINCIPAL_CACHE_SECONDS"] = BOUND
