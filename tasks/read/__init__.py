"""Read: the input folder -> the files to read (discover, selection) -> their bytes and SHA-256."""
