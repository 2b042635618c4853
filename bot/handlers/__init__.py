"""One module per command; each exposes ``handlers()`` with what it registers."""
