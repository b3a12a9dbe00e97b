"""Official schemas the feeds are tested against (package data; see SOURCES.md for origins).

``CAP-v1.2.xsd`` is the OASIS CAP 1.2 XML Schema (© OASIS Open 2010) and
``atom-rfc4287.rng`` the RFC 4287 Appendix B RELAX NG schema in XML syntax. Load them with
``importlib.resources.files("respite.feeds.schemas")``.
"""
