"""Clean: escape sequences out, encoding glitches repaired by ftfy, whitespace normalized."""
