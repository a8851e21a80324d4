"""Property tests: whatever a person types, the loader answers with a ledger or a RectifyError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from rectify_cli.errors import RectifyError
from rectify_cli.models import Ledger
from rectify_cli.store import load_ledger
from tests.conftest import MINIMAL_TASKS

# Characters people actually produce in ledgers: TOML punctuation, IME full-width forms,
# quotes, control characters, Chinese text and line endings.
ALPHABET = st.sampled_from(
    list("[]{}=\".,#'\\\n\r\t 0123456789-:TtrueFalsenaif+_")
    + list("“”：＝，。、（）５０\u3000\ufeff\x00\x1b治理任务")
)


def load_text(data: bytes) -> Ledger | RectifyError:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "tasks.toml").write_bytes(data)
        try:
            return load_ledger(root)
        except RectifyError as exc:
            assert exc.message, "an error must say something"
            assert "\n" not in exc.message.rstrip("\n") or len(exc.message) < 10_000
            return exc


@given(st.text(alphabet=ALPHABET, max_size=400))
def test_any_text_gives_a_ledger_or_a_rectify_error(text: str) -> None:
    load_text(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=300))
def test_any_bytes_give_a_ledger_or_a_rectify_error(data: bytes) -> None:
    load_text(data)


@given(
    st.integers(min_value=0, max_value=len(MINIMAL_TASKS)),
    st.integers(min_value=0, max_value=40),
    st.text(alphabet=ALPHABET, max_size=20),
)
def test_edits_of_a_valid_ledger_never_crash(at: int, cut: int, insert: str) -> None:
    """A valid file with a slice replaced: the typo a person makes in a real ledger."""
    text = MINIMAL_TASKS[:at] + insert + MINIMAL_TASKS[at + cut :]
    result = load_text(text.encode("utf-8", "surrogatepass"))
    if isinstance(result, Ledger):
        assert result.meta.title
