"""Reports: the daily firearms report and the incident report, as HTML and PDF.

Reports read through the service (:meth:`showclear.service.App.forensics`): a
builder turns one snapshot of the ledger into a report's data, then into a
:class:`~showclear.reports.document.Document`, which the renderers turn into HTML
(Jinja2) or PDF (reportlab). The custody figure is drawn with matplotlib.

    daily.py / daily_document.py        the daily firearms report
    incident.py / incident_document.py  the incident report, with its proofs
    common.py                           the checkpoint a report rests on; the figure's data
    timeline.py                         the custody timeline figure
    document.py                         sections, tables, figures, verbatim text
    html.py, templates/                 HTML
    pdf.py                              PDF
    render.py                           one call per report, for the CLI and the API
"""

from showclear.reports.daily import DayReport, day_report
from showclear.reports.daily_document import day_document
from showclear.reports.document import Document
from showclear.reports.html import render_html
from showclear.reports.incident import IncidentReport, incident_report
from showclear.reports.incident_document import incident_document
from showclear.reports.pdf import render_pdf
from showclear.reports.render import Rendered, day_files, incident_files

__all__ = [
    "DayReport",
    "Document",
    "IncidentReport",
    "Rendered",
    "day_document",
    "day_files",
    "day_report",
    "incident_document",
    "incident_files",
    "incident_report",
    "render_html",
    "render_pdf",
]
