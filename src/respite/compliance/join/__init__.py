"""The join engine: every (event, zone-window row) pair that is not outside, exactly.

See :mod:`.index` (:class:`JoinIndex`); the other modules are its parts."""

from respite.compliance.join.index import JoinIndex, join

__all__ = ["JoinIndex", "join"]
