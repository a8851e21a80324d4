"""rectify: keep the ledger of a rectification plan in TOML, and answer what is open,
what is slipping, and what to report."""

from __future__ import annotations

import functools

# (functools is imported whole: a name `cache` here would shadow the rectify_cli.cache module.)
# The distribution's name on an index and in `pip install`; the package is rectify_cli.
DISTRIBUTION = "rectify"


@functools.lru_cache(maxsize=1)
def installed_version() -> str:
    """The version in the installed package's metadata, whose one source is pyproject.toml.

    Read on first use only: importlib.metadata costs a command that does not already load it
    (through Pydantic) ~15-30 ms.  "0+unknown" when rectify runs from a source tree that was
    never installed, so nothing mistakes it for a release.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> str:
    # `rectify_cli.__version__`, computed when asked for (PEP 562) rather than at import.
    if name == "__version__":
        return installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
