"""One module per command or resource; thin: load -> compute -> present."""
