"""The organisation's rules of procedure: a TOML file, validated on load, versioned by hash."""
