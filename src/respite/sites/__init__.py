"""Static sites: premises notified to the parties (model, tables, service, views, commands).

A site is notified and acknowledged as a movement is: it shares the notification tables,
notices and document parts of :mod:`respite.movements`.
"""

from respite.sites.model import SiteKind, SiteSpec

__all__ = ["SiteKind", "SiteSpec"]
