"""Decoding and cleaning against their reference cases: charset samples, ftfy's tests."""
