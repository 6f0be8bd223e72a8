"""The passkey Bitcoin wallet of whitepaper Appendix A: a key_id whose hot_verify checks a passkey."""
