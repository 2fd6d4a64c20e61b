"""Round-trips of the binary array codec (the Python twin of js/shared/codec.ts)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tda_widgets.widgets._codec import DTYPES, array_from_json, array_to_json


def wire(encoded):
    """What the kernel receives back: the buffer arrives as bytes/memoryview."""
    return {**encoded, "buffer": bytes(encoded["buffer"])}


@pytest.mark.parametrize(
    "array",
    [
        np.array([[0.0, 1.5], [np.inf, -2.0]], dtype=np.float32),
        np.array([[0.0, np.inf], [1e-300, np.nan]], dtype=np.float64),
        np.arange(12, dtype=np.int64).reshape(3, 4) - 6,
        np.array([0, 255, 7], dtype=np.uint8),
        np.array([[True, False]]),
        np.zeros((0, 2)),
        np.zeros((0,), dtype=np.int32),
    ],
    ids=["float32", "float64-inf-nan", "int64-2d", "uint8", "bool", "empty-2d", "empty-1d"],
)
def test_round_trip(array):
    out = array_from_json(wire(array_to_json(array)))
    assert out.dtype == array.dtype
    assert out.shape == array.shape
    np.testing.assert_array_equal(out, array)


def test_big_endian_and_non_contiguous_inputs_are_sent_little_endian_c_order():
    a = np.arange(6, dtype=">f8").reshape(2, 3).T  # big-endian, Fortran-ordered view
    enc = array_to_json(a)
    assert enc["dtype"] == "float64"
    assert bytes(enc["buffer"]) == np.ascontiguousarray(a, dtype="<f8").tobytes()
    np.testing.assert_array_equal(array_from_json(wire(enc)), a)


def test_infinite_death_survives_the_trip():
    dgm = np.array([[0.0, 0.5], [0.0, np.inf]])
    out = array_from_json(wire(array_to_json(dgm)))
    assert np.isposinf(out[1, 1])


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"array: expected one of the dtypes .* got complex128"):
        array_to_json(np.zeros(2, dtype=complex))
    with pytest.raises(
        ValueError, match=r"buffer: a float64 array of shape \(2, 2\) needs 32 bytes, got 8"
    ):
        array_from_json({"dtype": "float64", "shape": [2, 2], "buffer": b"\0" * 8})
    with pytest.raises(ValueError, match=r"dtype: expected one of .* got 'object'"):
        array_from_json({"dtype": "object", "shape": [1], "buffer": b""})


def test_none_passes_through():
    assert array_to_json(None) is None
    assert array_from_json(None) is None


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from(sorted(DTYPES)).map(np.dtype),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    )
)
def test_round_trip_property(array):
    out = array_from_json(wire(array_to_json(array)))
    assert out.dtype == array.dtype and out.shape == array.shape
    np.testing.assert_array_equal(out, array)
