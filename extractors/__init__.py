"""Disclosure files to the typed intermediate representation of `extractors.ir`."""

# Bump when a change to the extractors changes what they produce: the extraction cache is
# kept per version, so every document is extracted again with the new code.
EXTRACTOR_VERSION = 3
