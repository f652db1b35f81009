"""Data files of the states registry (JSON); a package so that setuptools ships them."""
