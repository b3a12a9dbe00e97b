"""What the public sees of the published pauses: the cached snapshot, the status answer and
the feeds (CAP, iCalendar, GeoJSON, HXL, Atom) over HTTP."""
