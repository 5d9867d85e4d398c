"""Decode: bytes -> text, strict UTF-8 first, then a detected legacy encoding."""
