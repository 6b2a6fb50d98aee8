"""Cases and their parts, the workflow built from the rulebook, and every write to them."""
