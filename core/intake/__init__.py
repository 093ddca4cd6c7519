"""Intake: uploads into the database. The one path in, for the sidebar and the command line.

`decode` turns uploaded bytes (.txt, .html, .docx, .pdf) or pasted text into article text, or one
`UploadError` a journalist can act on (`uploads`: limits, messages, header, plain text; `html_text`;
`documents`: Word and PDF); `page_dates` tells a page's clock and copyright line from its
publication date; `ingest` extracts the figures, stores the article with them
in one transaction and regroups the incidents (``python -m core.intake.ingest``).

May import: `core.incidents`, `core.storage`, `core.extraction`.
"""
