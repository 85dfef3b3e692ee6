"""Pure renderers: plain frozen dataclasses or rows in, documents (PDF, XLSX, CSV) out. No database, no Telegram,
no ``handlers`` import: a handlers-side function builds the input, and the labels come in as a gettext function."""
