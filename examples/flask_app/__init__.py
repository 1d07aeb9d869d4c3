"""The cuirass example application on Flask (see README.md)."""
