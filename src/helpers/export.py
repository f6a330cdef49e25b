"""Tables for readers: CSV in UTF-8 with BOM (opens in Excel) and one .xlsx workbook."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .tables import atomic_write_bytes, frame_for_csv, write_csv


def write_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    workbook_name: str = "tables.xlsx",
    sheet_names: dict[str, str] | None = None,
) -> list[Path]:
    """``<name>.csv`` (UTF-8 with BOM) for each table and one workbook with a sheet per table."""
    out_dir = Path(out_dir)
    written = [write_csv(df, out_dir / f"{name}.csv", bom=True) for name, df in tables.items()]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, df in tables.items():
            sheet = (sheet_names or {}).get(name, name)[:31]
            plain = df.copy()
            for col in plain.columns:
                if str(plain[col].dtype) in ("Float64", "Int64", "boolean"):
                    plain[col] = plain[col].astype(object).where(plain[col].notna(), None)
            plain.to_excel(xl, sheet_name=sheet, index=False)
            ws = xl.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, col in enumerate(plain.columns, start=1):
                width = min(
                    60,
                    max(
                        8,
                        len(str(col)) + 2,
                        *(len(str(v)) for v in frame_for_csv(plain)[col].head(200)),
                    ),
                )
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    written.append(atomic_write_bytes(out_dir / workbook_name, buf.getvalue()))
    return written
