"""civharm's validator: `python -m validate [PATH]` (make validate). See `validate.engine`."""
