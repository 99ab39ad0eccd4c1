"""How a decision is cited in running text: "KS 2024-03-12 § 45" (the organ's
code, the meeting's date, the paragraph). Services resolve citations to
decisions; selectors turn them into links."""

from __future__ import annotations

import re

REFERENCE = re.compile(r"\b([A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,9})\s+(\d{4}-\d{2}-\d{2})\s*§\s*(\d{1,4})\b")
