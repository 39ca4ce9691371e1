"""Property tests: arbitrary attributes JSON and transaction bytes only ever give typed errors."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.errors import OpProgramError
from op_program.executor.errors import InvalidAttributesError, InvalidTransactionError
from op_program.executor.fees.fastlz import flz_compress_len
from op_program.protocol.attributes import AttributesDecodeError, PayloadAttributes
from tests.unit.executor import harness as h

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(["0x", "0x00", "0x" + "11" * 32, "0x" + "22" * 20, "0x1", "0xzz"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=10,
)
FIELDS = ["timestamp", "prevRandao", "suggestedFeeRecipient", "parentBeaconBlockRoot",
          "gasLimit", "transactions", "noTxPool", "eip1559Params", "minBaseFee", "withdrawals"]


@given(st.dictionaries(st.sampled_from(FIELDS), JSON))
def test_attributes_json_decodes_or_raises_a_typed_error(obj: dict[str, Any]) -> None:
    try:
        attrs = PayloadAttributes.from_json(obj)
    except AttributesDecodeError:
        return
    assert PayloadAttributes.from_json(attrs.to_json()) == attrs


def test_attributes_json_round_trip() -> None:
    attrs = h.attributes([b"\x7e\x01", b"\x02\x03"], min_base_fee=5)
    assert PayloadAttributes.from_json(attrs.to_json()) == attrs


STATE = h.funded()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_transaction_bytes_never_crash_the_builder(raw: bytes) -> None:
    root, pre = STATE
    try:
        h.build(h.config(), h.parent_header(root), h.attributes([h.deposit(h.ALICE), raw]), pre)
    except InvalidTransactionError as exc:
        assert exc.index == 1
    except InvalidAttributesError:
        pass
    except OpProgramError as exc:  # pragma: no cover - would be a bug: report it clearly
        raise AssertionError(f"unexpected executor error {exc!r}") from exc


@given(st.binary(max_size=2000))
def test_fastlz_length_is_bounded(data: bytes) -> None:
    # Literal runs cost one header byte per 32 bytes; matches only shrink the output.
    assert 0 <= flz_compress_len(data) <= len(data) + (len(data) + 31) // 32
