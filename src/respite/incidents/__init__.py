"""Incidents: field reports and imported conflict events, and whether pauses held.

``record`` and the readers (``acled``, ``mapped_csv``, ``geojson_in``, ``precision``) are pure;
``tables``, ``service``, ``views`` and ``commands`` are the stored, served side.
"""
