"""The book's common/: pure NumPy and SymPy maths, one idea per module. Knows no page."""
