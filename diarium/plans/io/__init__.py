"""Actions and budgets of a steering document as a spreadsheet (CSV or XLSX),
and back again.

One row per action and budget year; an action without budget rows still gets
one row with the year and amounts empty. The "id" column is the action's key:
a re-import updates the action instead of adding another. Amounts are written
in plain decimal form (250000.00) so nothing is lost on the way round; on the
way in the Swedish form ("250 000,50") is accepted too.

An import is all or nothing: every row is checked first and every problem is
reported with its row number; only a file without errors is written, in one
transaction, through the same services as the forms (rights, events).
"""

from .export import export_csv, export_rows, export_xlsx
from .importing import ImportResult, import_file
from .table import COLUMNS, read_table

__all__ = [
    "COLUMNS",
    "ImportResult",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "import_file",
    "read_table",
]
