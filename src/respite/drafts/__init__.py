"""Drafts: announcement texts read into draft pauses (``respite draft``, ``POST /v1/drafts``).

Nothing is stored: a draft is proposed for a coordinator to confirm, correct and then record
through the pauses domain. The reading itself is the pure :mod:`respite.drafting` library.
"""
