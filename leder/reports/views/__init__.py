"""Pages of the reports app: dashboards (`dashboards`) and the annual reports (`annual`)."""
