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

# --- Problemløseren, trin 1-4 (migration 002) ---------------------------------------------------

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # "problem", "idea" or "keep" (model.ITEM_KINDS)
    # The number the room sees ("#3"), per workshop and kind, in creation order; never reused.
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    # NULL: typed by the facilitator. A phone that leaves keeps its items (SET NULL).
    Column("author_participant_id", Integer, ForeignKey("participants.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("hidden", Boolean, nullable=False, default=False),
    # Set when the facilitator merges this item into another; its placements then count there.
    Column("merged_into", Integer, ForeignKey("items.id", ondelete="SET NULL"), index=True),
    UniqueConstraint("workshop_id", "kind", "number"),
)

placements = Table(
    "placements",
    metadata,
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("x", SmallInteger, nullable=False),
    Column("y", SmallInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("chosen_problem_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("problem_description", Text),
    Column("chosen_idea_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
