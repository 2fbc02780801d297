"""The handleplan as files a workplace keeps: Word, PDF, Markdown and Excel.

Each exporter formats a ``fea_core.report.Report`` and never touches the database; pages only
wrap them in ``st.download_button``. The charts are the ones on the shared screen, rendered to
PNG once per report (``common.chart_images``) and shared by ``to_docx``, ``to_pdf`` and
``to_markdown_zip``.
"""

from fea_core.export.common import file_name
from fea_core.export.docx import to_docx
from fea_core.export.markdown import to_markdown, to_markdown_zip
from fea_core.export.pdf import to_pdf
from fea_core.export.xlsx import to_xlsx

__all__ = ["file_name", "to_docx", "to_markdown", "to_markdown_zip", "to_pdf", "to_xlsx"]
