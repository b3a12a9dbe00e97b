"""Did the pause hold? Events against pause zones and windows, with honest uncertainty.

Pure library (no web, no database): ``frame`` holds the columnar inputs and outputs,
``join`` the engine, ``windows`` turns pauses into zone-window rows, ``report`` aggregates.
"""
