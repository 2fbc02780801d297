"""The database tables (SQLAlchemy Core), one definition for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

facilitators = Table(
    "facilitators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("department", String(200), nullable=False),
    Column("held_on", String(10), nullable=False),  # ISO date; a day, not an instant
    Column("theme", String(200), nullable=False),
    Column("language", String(2), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set when the facilitator ends the workshop: its join code then takes no one new.
    Column("ended_at", DateTime(timezone=True)),
    # What the phones show now, and whether that activity takes answers.
    Column("activity", String(40), nullable=False),
    Column("activity_open", Boolean, nullable=False),
    Column("results_visible", Boolean, nullable=False),
    # revision: bumped by every write; stage: bumped only when what phones show changes.
    Column("revision", Integer, nullable=False, default=0),
    Column("stage", Integer, nullable=False, default=0),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("role", String(20)),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("factor", String(40), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    # NULL means "Ved ikke": the answer counts as given but stays out of the mean.
    Column("value", SmallInteger),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "factor"),
)
