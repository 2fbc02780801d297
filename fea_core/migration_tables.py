"""The tables as migrations 001-006 created them, frozen: each step of fea_core/storage.py's
MIGRATIONS creates its tables from here, never from schema.py.

schema.py says what the tables are today; a migration must keep saying what it did when it
shipped. Built from today's schema.py, step 001 would create ``facilitators`` with the columns
that 008 adds (and 002 ``items`` with 007's ``text_key``), so an old step would silently change
meaning as the schema grows. Never edit a table here: a change is a new migration (add its
table or ALTER to that step, and the table to schema.py). Columns only, no comments: what each
column means is documented in schema.py.

Why not Alembic: its autogenerate diffs against schema.py as well, so its steps would still be
written by hand here for SQLite and PostgreSQL; the ten steps we have run inside our own write
transaction under one lock (Store.migrate: several processes may start on one new database),
which Alembic would need wrapping for. A dependency for no gain at this size.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
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

# One MetaData: every table is created once in the history, and foreign keys resolve within it.
_AS_CREATED = MetaData()


def table(name: str) -> Table:
    """Return a table as its migration created it (tests write rows as an older release did)."""
    return _AS_CREATED.tables[name]


def create(conn: Connection, *names: str) -> None:
    """Create the named tables as their migration defined them (those already there are left)."""
    for name in names:
        _AS_CREATED.tables[name].create(conn, checkfirst=True)


# --- 001 --------------------------------------------------------------------------------
Table(
    "settings",
    _AS_CREATED,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
Table(
    "facilitators",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Table(
    "workshops",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("department", String(200), nullable=False),
    Column("held_on", String(10), nullable=False),
    Column("theme", String(200), nullable=False),
    Column("language", String(2), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("activity", String(40), nullable=False),
    Column("activity_open", Boolean, nullable=False),
    Column("results_visible", Boolean, nullable=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("stage", Integer, nullable=False, default=0),
)
Table(
    "participants",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("role", String(20)),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)
Table(
    "ratings",
    _AS_CREATED,
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("factor", String(40), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("value", SmallInteger),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "factor"),
)

# --- 002 --------------------------------------------------------------------------------
Table(
    "items",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("author_participant_id", Integer, ForeignKey("participants.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("merged_into", Integer, ForeignKey("items.id", ondelete="SET NULL"), index=True),
    UniqueConstraint("workshop_id", "kind", "number"),
)
Table(
    "placements",
    _AS_CREATED,
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("x", SmallInteger, nullable=False),
    Column("y", SmallInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "decisions",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("chosen_problem_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("problem_description", Text),
    Column("chosen_idea_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- 003 --------------------------------------------------------------------------------
Table(
    "support_answers",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("question_index", SmallInteger, primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "answer_proposals",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("question_index", SmallInteger, nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="SET NULL")),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("adopted_at", DateTime(timezone=True)),
)
Table(
    "actions",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("what", Text, nullable=False),
    Column("owner", String(200), nullable=False),
    Column("deadline", String(10)),
    Column("follow_up", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)
Table(
    "plans",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("follow_up_process", Text),
    Column("next_follow_up", String(10)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- 004 --------------------------------------------------------------------------------
Table(
    "login_failures",
    _AS_CREATED,
    Column("username", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True), nullable=False, index=True),
)
Table(
    "workshop_facilitators",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

# --- 005 --------------------------------------------------------------------------------
Table(
    "interviewer_links",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("label", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    sqlite_autoincrement=True,
)
Table(
    "interviews",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("link_id", Integer, ForeignKey("interviewer_links.id", ondelete="SET NULL"), index=True),
    Column("number", Integer, nullable=False),
    Column("group_size", SmallInteger, nullable=False),
    Column("advice", Text, nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workshop_id", "number"),
    sqlite_autoincrement=True,
)
Table(
    "interview_notes",
    _AS_CREATED,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("theme", String(40), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("works_well", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("how_long", Text, nullable=False),
    Column("sustains", Text, nullable=False),
    Column("could_solve", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "interview_points",
    _AS_CREATED,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("theme", String(40)),
    Column("text", Text, nullable=False),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Table(
    "talks",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("questions", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# --- 006 --------------------------------------------------------------------------------
Table(
    "courses",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department", String(200), nullable=False),
    Column("language", String(2), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("steering_group", Text, nullable=False),
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)
Table(
    "course_workshops",
    _AS_CREATED,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
Table(
    "course_facilitators",
    _AS_CREATED,
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
Table(
    "follow_up_meetings",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("held_on", String(10), nullable=False),
    Column("notes", Text, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)
Table(
    "action_updates",
    _AS_CREATED,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("meeting_id", Integer, ForeignKey("follow_up_meetings.id", ondelete="SET NULL"), index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("works", Text, nullable=False),
    Column("not_working", Text, nullable=False),
    Column("adjustment", Text, nullable=False),
    Column("deadline", String(10)),
    Column("recorded_by", String(64), nullable=False),
    sqlite_autoincrement=True,
)
Table(
    "carried_actions",
    _AS_CREATED,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("from_action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
)