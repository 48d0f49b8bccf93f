"""civharm's validator: `python -m civharm.validate [PATH]` (make validate). See `civharm.validate.engine`."""
