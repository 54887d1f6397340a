"""Clean itself, but importing it imports its package."""
