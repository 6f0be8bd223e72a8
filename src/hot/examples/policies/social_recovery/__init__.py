"""Example key-owner contract: see README.md in this folder."""
