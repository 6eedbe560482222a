"""Tieout calculation server: importers, matching engine, storage and the `tieout` CLI."""
