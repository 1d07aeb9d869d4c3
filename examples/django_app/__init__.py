"""The cuirass example application on Django (see README.md)."""
