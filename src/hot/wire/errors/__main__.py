"""`python -m hot.wire.errors` prints docs/errors.md (generated from the hierarchy)."""

from hot.wire.errors.doc import markdown

print(markdown(), end="")
