"""Extraction: spaCy pipeline from paper text to mentions, canonical entities and relations."""
