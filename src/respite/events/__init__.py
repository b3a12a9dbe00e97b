"""Events: the incident/event record, its readers (ACLED, mapped CSV, GeoJSON), the precision
rules and date parsing. Pure: no web, no database; below both incidents and compliance."""
