"""The HTTP kit the domains' views use: request dependencies, the policy table, problem JSON,
and the If-Match/ETag and body helpers."""
