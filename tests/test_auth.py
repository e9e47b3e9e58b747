"""Tokens: issue, use, revoke, expire; 401 problem+json without one."""

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import ApiToken, Role
from tests.factories import PASSWORD, UserFactory


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def test_login_returns_a_token_that_authenticates(client):
    user = UserFactory(role=Role.seller)

    response = login(client, user.email)

    assert response.status_code == 201
    assert set(response.json) == {"token", "expires_at", "user"}
    me = client.get("/api/v1/sellers", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert me.status_code == 200


def test_login_email_is_case_insensitive(client):
    UserFactory(email="reem@example.com")

    assert login(client, "Reem@Example.COM").status_code == 201


def test_only_a_hash_of_the_token_is_stored(client):
    user = UserFactory()

    token = login(client, user.email).json["token"]

    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert stored and token not in stored


@pytest.mark.parametrize("email, password", [
    ("known", "wrong-password"),
    ("nobody@example.com", PASSWORD),
])
def test_wrong_credentials_get_the_same_401(client, email, password):
    user = UserFactory()

    response = login(client, user.email if email == "known" else email, password)

    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == "Email or password is wrong."


def test_inactive_user_cannot_log_in(client):
    user = UserFactory(active=False)

    assert login(client, user.email).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "])
def test_api_without_a_valid_token_is_401_problem(client, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/products", headers=headers)

    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "POST /api/v1/auth/tokens" in response.json["detail"]


def test_revoked_token_stops_working(client):
    user = UserFactory()
    headers = {"Authorization": f"Bearer {login(client, user.email).json['token']}"}

    revoked = client.delete("/api/v1/auth/tokens/current", headers=headers)

    assert revoked.status_code == 204
    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_revoking_one_token_keeps_the_others(client):
    user = UserFactory()
    phone = {"Authorization": f"Bearer {login(client, user.email).json['token']}"}
    tablet = {"Authorization": f"Bearer {login(client, user.email).json['token']}"}

    client.delete("/api/v1/auth/tokens/current", headers=phone)

    assert client.get("/api/v1/products", headers=tablet).status_code == 200


def test_token_expires(client, time_machine):
    time_machine.move_to("2026-11-01T10:00:00Z", tick=False)
    user = UserFactory()
    response = login(client, user.email)
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert response.json["expires_at"].startswith("2026-12-01T10:00:00")

    time_machine.move_to("2026-12-01T09:59:59Z", tick=False)
    assert client.get("/api/v1/products", headers=headers).status_code == 200
    time_machine.move_to("2026-12-01T10:00:00Z", tick=False)
    assert client.get("/api/v1/products", headers=headers).status_code == 401


def test_revoke_without_token_is_401(client):
    assert client.delete("/api/v1/auth/tokens/current").status_code == 401


def test_login_with_missing_fields_is_422(client):
    response = client.post("/api/v1/auth/tokens", json={"email": "not-an-email"})

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"email", "password"}


def test_too_many_logins_from_one_address_are_429(client):
    user = UserFactory()
    for n in range(10):  # guesses at 10 accounts: none of them is locked, the address is
        assert login(client, f"guess{n}@example.com", "wrong-password").status_code == 401

    response = login(client, user.email)

    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
