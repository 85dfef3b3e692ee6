"""Pure renderers: plain rows in, documents (XLSX, CSV, PDF) out; no database, no Telegram."""
