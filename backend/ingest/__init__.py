"""Readers, validators and loaders that bring outside data into the store."""
