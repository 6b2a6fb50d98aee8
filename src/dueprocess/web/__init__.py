"""The staff web app: thin views over the services and queries."""
