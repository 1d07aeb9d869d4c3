"""The cuirass example application on FastAPI (see README.md)."""
