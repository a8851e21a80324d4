"""Every command module, imported for its side effect of adding a command to `app`.

One line per command, so adding a command is adding a line.
"""
# Commands are appended one `from . import x_cmd` line each, in the order they were
# added; isort would merge them into one block that every new command then conflicts on.
# ruff: noqa: I001

from . import (
    check_cmd,  # noqa: F401
    list_cmd,  # noqa: F401
    show_cmd,  # noqa: F401
)
from . import warn_cmd  # noqa: F401
from . import report_cmd  # noqa: F401
from . import schema_cmd  # noqa: F401
from . import init_cmd  # noqa: F401
from . import export_cmd  # noqa: F401
from . import update_cmd  # noqa: F401
from . import record_cmd  # noqa: F401
from . import log_cmd  # noqa: F401
from . import import_cmd  # noqa: F401
from . import changes_cmd  # noqa: F401
from . import petition_cmd  # noqa: F401
from . import undo_cmd  # noqa: F401
from . import add_cmd  # noqa: F401
from . import remove_cmd  # noqa: F401
from . import aspect_cmd  # noqa: F401
from . import indicator_cmd  # noqa: F401
from . import edit_cmd  # noqa: F401
from . import postpone_cmd  # noqa: F401
from . import cancel_cmd  # noqa: F401
from . import fold_cmd  # noqa: F401
from . import dispatch_cmd  # noqa: F401
from . import merge_cmd  # noqa: F401
