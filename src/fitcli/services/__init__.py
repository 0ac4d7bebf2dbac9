"""What the heavier commands run over the store; imported only when they run."""
