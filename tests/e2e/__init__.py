"""End-to-end tests over the Wechaty protocol (see README.md here)."""
