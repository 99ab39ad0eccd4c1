"""E-ARK SIPs for the e-archive (FGS Paketstruktur 2.0 with FGS Ärendehantering
2.0, i.e. CITS ERMS): one package per case, deterministic, validated.

record.py reads a case's full record, formats.py makes archival copies,
erms.py, premis.py and mets.py write the metadata, package.py writes and
zips packages, and validate.py checks a package (ours or a received one)
with XML Schema, Schematron and eark-validator. docs/ARCHIVE.md describes
the format, the commands and where the package departs from a validator."""
