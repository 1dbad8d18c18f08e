"""Layout pieces of the pages, so that each page file stays short."""
