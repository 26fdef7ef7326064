"""What each page computes: pure functions built on nnviz.core, one module per page."""
