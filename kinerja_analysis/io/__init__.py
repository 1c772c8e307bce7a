"""Reading and writing files: the only place the package touches the file system (number parsing, templates, loaders)."""
