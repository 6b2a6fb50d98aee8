"""Staff pages, one module per area. Views parse input and render output; every decision is
made by the services and queries they call."""
