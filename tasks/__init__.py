"""copydesk's pipeline stages: plain typed functions, each with a thin Prefect task wrapper."""
