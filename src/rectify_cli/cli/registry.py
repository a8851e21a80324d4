"""Every command module, imported for its side effect of adding a command to `app`.

One line per command, so adding a command is adding a line.
"""

from . import (
    check_cmd,  # noqa: F401
    list_cmd,  # noqa: F401
    show_cmd,  # noqa: F401
)
from . import warn_cmd  # noqa: F401
