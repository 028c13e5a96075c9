"""schoolbot (保学小助手): keeps every child of a rural school in class."""

__version__ = "0.1.0"
