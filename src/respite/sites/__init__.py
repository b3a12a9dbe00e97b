"""Static sites: premises notified to the parties (service, views, commands, present).

A site's documents and tables are the notification ones of :mod:`respite.movements`, whose
notices and acknowledgements it shares."""
