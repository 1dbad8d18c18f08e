"""Running the dashboard in production: replicas behind nginx (`make serve`), containers."""
