"""The database tables (SQLAlchemy Core), one definition for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
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
    # Migration 008: what the account may do, whether it may log in at all, and the moment
    # before which every login of it counts as ended (logout, new password, deactivation).
    Column("role", String(20), nullable=False, server_default="facilitator"),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("logins_valid_after", DateTime(timezone=True)),
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
    # The optional step timer (fea_core/step_timer.py): when it ends and how long it was set for.
    Column("timer_ends_at", DateTime(timezone=True)),
    Column("timer_seconds", Integer),
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
    # The text as duplicates are compared (items.same_text_key), so the check is one indexed
    # lookup however long the list (migration 007; NULL never remains after it).
    Column("text_key", Text),
    # NULL: typed by the facilitator. A phone that leaves keeps its items (SET NULL).
    Column("author_participant_id", Integer, ForeignKey("participants.id", ondelete="SET NULL"), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("hidden", Boolean, nullable=False, default=False),
    # Set when the facilitator merges this item into another; its placements then count there.
    Column("merged_into", Integer, ForeignKey("items.id", ondelete="SET NULL"), index=True),
    UniqueConstraint("workshop_id", "kind", "number"),
    Index("ix_items_text_key", "workshop_id", "kind", "text_key"),
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


# --- Handleplan: Problemløseren trin 5-6 (migration 003) ---------------------------------------

support_answers = Table(
    "support_answers",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    # 0-4: the support question's place in method.support_questions. No row: not answered.
    Column("question_index", SmallInteger, primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

answer_proposals = Table(
    "answer_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("question_index", SmallInteger, nullable=False),
    # A phone that leaves keeps its proposals (SET NULL); the id is never shown or exported.
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="SET NULL")),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set when the facilitator takes the proposal over into the answer.
    Column("adopted_at", DateTime(timezone=True)),
)

actions = Table(
    "actions",
    metadata,
    # Stable across saves of the whole list, so a later history can follow one action.
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # 1, 2, 3, ... in the plan's order
    Column("what", Text, nullable=False),
    Column("owner", String(200), nullable=False),  # "" when nobody has taken it on yet
    Column("deadline", String(10)),  # ISO date; a day, not an instant
    Column("follow_up", Text, nullable=False),
    Column("status", String(20), nullable=False),  # model.ACTION_STATUSES
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Never hand a deleted action's id to a new one (SQLite reuses the largest id otherwise).
    sqlite_autoincrement=True,
)

plans = Table(
    "plans",
    metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    # How the group follows up on what works and adjusts the solution (trin 6).
    Column("follow_up_process", Text),
    Column("next_follow_up", String(10)),  # ISO date
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# --- Security: login throttling and shared workshops (migration 004) ---------------------------

login_failures = Table(
    "login_failures",
    metadata,
    # The username as typed (lower case), whether or not such an account exists: unknown names
    # are throttled the same way, so the lock does not tell which accounts exist.
    Column("username", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),  # consecutive failed attempts
    Column("locked_until", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True), nullable=False, index=True),
)

login_clients = Table(
    "login_clients",
    metadata,
    # Migration 010: failed logins per username (as typed, known or not) and client (an IPv4
    # address or IPv6 /64, fea_core.login_throttle.client_key), so a stranger's guesses lock out
    # only the stranger; and the clients an account last logged in from (kept 30 days), which
    # the looser per-username cap in login_failures does not hold back.
    Column("username", String(64), primary_key=True),
    Column("client", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),  # failed attempts in a row
    Column("locked_until", DateTime(timezone=True)),
    Column("last_failure_at", DateTime(timezone=True), index=True),
    Column("last_success_at", DateTime(timezone=True)),
)

workshop_facilitators = Table(
    "workshop_facilitators",
    metadata,
    # Co-facilitators: they may run the workshop's screen; only the owner may share it.
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)


# --- Forløb: one unit's workshops and follow-up meetings over 10-12 months (migration 006) -------

courses = Table(
    "courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department", String(200), nullable=False),  # the unit ("afdeling") the forløb is for
    Column("language", String(2), nullable=False),  # of its status report
    Column("owner", String(64), nullable=False),
    # The steering group's members as the workplace names them (plain text, not accounts).
    Column("steering_group", Text, nullable=False),
    Column("starts_on", String(10), nullable=False),  # ISO date
    Column("ends_on", String(10)),  # ISO date: the planned end, 10-12 months on
    Column("created_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)

course_workshops = Table(
    "course_workshops",
    metadata,
    # A workshop belongs to at most one forløb; deleting either removes only the link.
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

course_facilitators = Table(
    "course_facilitators",
    metadata,
    # The steering group's facilitators: they see the forløb and run its workshops.
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

follow_up_meetings = Table(
    "follow_up_meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("held_on", String(10), nullable=False),  # ISO date; a future date is a planned meeting
    Column("notes", Text, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)

action_updates = Table(
    "action_updates",
    metadata,
    # An action's history: one row per change, never overwritten. The newest row is its status.
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("meeting_id", Integer, ForeignKey("follow_up_meetings.id", ondelete="SET NULL"), index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # model.ACTION_STATUSES
    Column("works", Text, nullable=False),  # what works ("" when not noted)
    Column("not_working", Text, nullable=False),  # what does not work
    Column("adjustment", Text, nullable=False),  # how the action or solution is adjusted
    Column("deadline", String(10)),  # the deadline from this update on (ISO date), None: none
    Column("recorded_by", String(64), nullable=False),  # a facilitator's username
    sqlite_autoincrement=True,
)

carried_actions = Table(
    "carried_actions",
    metadata,
    # An open action a new workshop of the forløb took over from the previous one.
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("from_action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
)


# --- Arbejdsmiljøinterviewet and the Vidensoplæg (migration 005) --------------------------------
# Raw interview notes are confidential (tavshedspligt): read only by the interviewer who wrote
# them (through their link's secret token) and the workshop's facilitators; never exported.

interviewer_links = Table(
    "interviewer_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),  # 192 random bits, in the link's URL
    Column("label", String(120), nullable=False),  # what the facilitator calls it ("AMR", "TR 2")
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),  # set: the link opens nothing any more
    sqlite_autoincrement=True,
)

interviews = Table(
    "interviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    # The link it was written through; only that link (and the facilitators) may read it.
    Column("link_id", Integer, ForeignKey("interviewer_links.id", ondelete="SET NULL"), index=True),
    Column("number", Integer, nullable=False),  # "Interview 3", per workshop; no names
    Column("group_size", SmallInteger, nullable=False),  # 1: one interviewee; more: a small group
    Column("advice", Text, nullable=False),  # the interviewee's good advice ("" when not noted)
    Column("confirmed", Boolean, nullable=False),  # the three points were checked with the interviewee
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workshop_id", "number"),
    sqlite_autoincrement=True,
)

interview_notes = Table(
    "interview_notes",
    metadata,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("theme", String(40), primary_key=True),  # method.InterviewTheme.key
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("works_well", Text, nullable=False),  # what works well ("" when not noted)
    Column("problem", Text, nullable=False),  # what is a problem
    Column("how_long", Text, nullable=False),  # Hvor længe har problemet været der?
    Column("sustains", Text, nullable=False),  # Hvad skaber og fastholder problemet?
    Column("could_solve", Text, nullable=False),  # Hvad kunne måske løse problemet?
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

interview_points = Table(
    "interview_points",
    metadata,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),  # 1-3: "de tre vigtigste pointer"
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("theme", String(40)),  # the theme it is about, or NULL: across the themes
    Column("text", Text, nullable=False),
    # The Trin 1 item the facilitator sent it forward as (problem or thing to keep), if any.
    Column("item_id", Integer, ForeignKey("items.id", ondelete="SET NULL")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

talks = Table(
    "talks",
    metadata,
    # The Vidensoplæg: the questions the facilitator wants to put to the room, as a JSON list.
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("questions", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# --- Who did what to accounts and sharing, and who reads raw interview notes (migration 009) -----

audit_log = Table(
    "audit_log",
    metadata,
    # Every change to an account or to who may see a workshop or forløb: who, what, whom, when.
    # Never a password or a hash; ``detail`` names the workshop or forløb concerned.
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),  # a username, or "cli:<os user>" for the command line
    Column("action", String(40), nullable=False),  # e.g. account.create, workshop.share, notes.grant
    Column("target", String(64), nullable=False),  # the account it was done to
    Column("detail", String(300), nullable=False),
    sqlite_autoincrement=True,
)

interview_readers = Table(
    "interview_readers",
    metadata,
    # The co-facilitators the workshop's owner named to read its raw interview notes; sharing a
    # workshop (or a forløb) alone never lets anyone read them. Unsharing deletes the row.
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("granted_at", DateTime(timezone=True), nullable=False),
)
