"""The masking assistant's detector (issue 18): personal identity numbers,
phone numbers, e-mail and street addresses, names of private persons and
sensitive words in free text. Pure Python; see detect.py."""

from .detect import KINDS, LABELS, Hit, Scanner, default_scanner, redact, scan

__all__ = ["KINDS", "LABELS", "Hit", "Scanner", "default_scanner", "redact", "scan"]
