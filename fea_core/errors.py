"""Domain errors. Each carries a code that the UI turns into a message in the user's language."""

from __future__ import annotations


class FeaError(Exception):
    """A request the domain refuses; nothing was saved by it."""

    code = "error"

    def __init__(self, **params):
        super().__init__(f"{self.code}: {params}" if params else self.code)
        self.params = params


class UnknownJoinCode(FeaError):
    code = "unknown_join_code"


class WorkshopEnded(FeaError):
    code = "workshop_ended"


class UnknownParticipant(FeaError):
    code = "unknown_participant"


class RoundClosed(FeaError):
    code = "round_closed"


class NotThisActivity(FeaError):
    code = "not_this_activity"


class MissingAnswers(FeaError):
    code = "missing_answers"


class InvalidRating(FeaError):
    code = "invalid_rating"


class InvalidText(FeaError):
    code = "invalid_text"


class InvalidRole(FeaError):
    code = "invalid_role"


class DuplicateItem(FeaError):
    """The same text (ignoring case and spacing) is already on the list; params: number, item_id."""

    code = "duplicate_item"


class StaleItem(FeaError):
    """The item was hidden or merged meanwhile, or is not one of this workshop's items of that kind."""

    code = "stale_item"


class InvalidPlacement(FeaError):
    """A matrix position that is not a whole number from 1 to 5 on both axes."""

    code = "invalid_placement"


class StoreBusy(FeaError):
    """The database stayed locked past its busy timeout; nothing was saved, trying again works."""

    code = "store_busy"


class TooManyAttempts(FeaError):
    """Too many wrong guesses (join codes) from this session or process; params: seconds to wait."""

    code = "too_many_attempts"


class UnknownFacilitator(FeaError):
    """No facilitator account has this username; params: username."""

    code = "unknown_facilitator"


class NotWorkshopOwner(FeaError):
    """Only the workshop's owner may do this (share it, stop sharing it)."""

    code = "not_workshop_owner"
