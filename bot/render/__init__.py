"""Turning service results into HTML for Telegram, in the workspace's language."""
