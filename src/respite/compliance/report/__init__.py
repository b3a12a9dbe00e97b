"""The compliance report: plan, accumulate, build, and the report as JSON and text."""
