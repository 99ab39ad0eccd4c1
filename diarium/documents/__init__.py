"""Drawn-up documents: the officer's report, the minutes and (later) letters,
notices and excerpts rendered from the domain's data to HTML and to tagged
PDF/A-3a for the archive, with each organisation's logo, colours and templates."""
