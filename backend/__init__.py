"""Backend of the PAR INDEX / SIPAS system: store, reference data, scoring, services.

Nothing in this package imports streamlit; pages call into it.
"""

__version__ = "0.1.0"
