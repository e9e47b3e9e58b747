"""Ids chosen by clients for the rows they create (offline phones), and each create's first answer.

A phone creates a customer and her order offline, under ids it chose itself, and may
send them again and again until it hears back: the same id with the same request is
answered with the first answer, from here. Kept as long as the rows they name may be
asked for again (there is no expiry: a phone may come back after weeks).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.extensions import db
from shared.models.base import UTCDateTime


class ClientChosenId(db.Model):
    __tablename__ = "client_ids"

    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)  # the row's id
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None]
    response_body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    response_headers: Mapped[dict | None] = mapped_column(sa.JSON)
