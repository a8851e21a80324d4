"""rectify: keep the ledger of a rectification plan in TOML, and answer what is open,
what is slipping, and what to report."""

__version__ = "0.1.0"
