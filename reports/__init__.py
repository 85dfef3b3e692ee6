"""Pure renderers: plain frozen dataclasses in, document bytes out (PDF today). No database, no Telegram, no
``handlers`` import: a handlers-side function builds the dataclass, and the labels come in as a gettext function."""
