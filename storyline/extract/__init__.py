"""Stage 2: clean article text and metadata from pages and files."""
from storyline.extract.files import extract_document, extract_file
from storyline.extract.html import ExtractionError, extract_html
from storyline.extract.text import extract_text

__all__ = ["ExtractionError", "extract_document", "extract_file", "extract_html", "extract_text"]
