"""Hostile input to the host's decoders ends in typed errors, never a crash (DESIGN §7)."""

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.errors import OpProgramError
from op_program.host.hint_handlers import HANDLERS, Sources, parse_hint
from op_program.host.rpc.receipt_json import receipt_from_json
from op_program.host.witness import WitnessFileError, read_witness
from tests.unit.host.test_prefetcher import FakeL2


class Refusing:
    """A source that fails every fetch with a typed error (the hostile part is the payload)."""

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any) -> Any:
            raise OpProgramError("refused")

        return fail


@given(st.text(max_size=200))
def test_parse_hint_only_raises_hint_errors(text: str) -> None:
    try:
        hint_type, payload = parse_hint(text)
    except OpProgramError:
        return
    assert isinstance(payload, bytes) and " " not in hint_type


@settings(max_examples=300)
@given(st.sampled_from(sorted(HANDLERS)), st.binary(max_size=120))
def test_handlers_reject_bad_payloads_with_typed_errors(name: str, payload: bytes) -> None:
    refusing: Any = Refusing()
    l2 = FakeL2()
    l2.blocks = refusing
    sources = Sources(l1=refusing, beacon=refusing, l2=l2,  # type: ignore[arg-type]
                      l2_head=b"\x07" * 32, l2_chain_id=10)
    try:
        pairs = HANDLERS[name](sources, payload)
    except (OpProgramError, KeyError):  # KeyError: FakeL2 knows one node only
        return
    assert all(len(k) == 32 for k, _ in pairs)


@settings(deadline=None)  # file I/O: a loaded machine can exceed the default deadline
@given(st.binary(max_size=300))
def test_witness_reader_only_raises_witness_errors(tmp_path_factory: Any, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("w")) / "w.json"
    path.write_bytes(data)
    try:
        list(read_witness(path))
    except WitnessFileError:
        pass


@given(st.dictionaries(st.sampled_from(["type", "status", "cumulativeGasUsed", "logsBloom",
                                         "logs", "root", "depositNonce"]),
                       st.one_of(st.none(), st.text(max_size=10), st.integers(), st.lists(
                           st.dictionaries(st.text(max_size=8), st.text(max_size=8))))))
def test_receipt_json_only_raises_typed_errors(obj: dict[str, Any]) -> None:
    try:
        receipt_from_json(obj)
    except OpProgramError:
        pass


def test_deep_json_in_witness_files_and_hints_is_a_typed_error(tmp_path: Path) -> None:
    """Nesting past the bound is refused before the C JSON decoder recurses (issue 11)."""
    deep = b"[" * 100_000 + b"]" * 100_000
    path = tmp_path / "w.json"
    path.write_bytes(deep)
    try:
        list(read_witness(path))
    except WitnessFileError as exc:
        assert "nested deeper" in str(exc)
    else:
        raise AssertionError("deep witness accepted")
    l2 = FakeL2()
    sources = Sources(l1=Refusing(), beacon=Refusing(), l2=l2,  # type: ignore[arg-type]
                      l2_head=b"\x07" * 32, l2_chain_id=10)
    for payload in (b'{"parentBlockHash":' + deep + b"}", b"\x01" * 32 + deep):
        try:
            HANDLERS["l2-payload-witness"](sources, payload)
        except OpProgramError as exc:
            assert "nested deeper" in str(exc)
        else:
            raise AssertionError("deep hint accepted")
