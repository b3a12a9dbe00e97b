"""A compliance report rendered: HTML page, HXL CSV, map and timeline."""
