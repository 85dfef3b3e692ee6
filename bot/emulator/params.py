"""Reading Bot API parameters from a request: query string, JSON, url-encoded or multipart body."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from .errors import ApiError, bad_request
from .models import UploadedFile

# Parameters that Telegram reads as JSON when they arrive as strings (form fields, query string).
JSON_FIELDS = frozenset(
    {
        "reply_markup", "commands", "scope", "entities", "caption_entities", "allowed_updates",
        "link_preview_options", "reply_parameters", "media", "results", "permissions", "menu_button",
        "options", "explanation_entities", "prices", "message_ids", "reaction",
    }
)  # fmt: skip
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}
_TRUE = frozenset({"true", "1", "yes", "on"})


class Params:
    """Decoded parameters of one call, with typed getters that fail like Telegram."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def string(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, key: str, default: int | None = None, *, error: str | None = None) -> int | None:
        value = self.values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(error or f'field "{key}" must be of type Integer')
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(error or f'field "{key}" must be of type Integer') from None

    def flag(self, key: str) -> bool:
        value = self.values.get(key)
        if isinstance(value, str):
            return value.strip().lower() in _TRUE
        return bool(value)

    def file(self, key: str) -> UploadedFile | str | None:
        """An uploaded file (also via ``attach://name``), or a file_id / URL string."""
        if key in self.files:
            return self.files[key]
        value = self.string(key)
        if value and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return value or None

    def loggable(self) -> dict[str, Any]:
        """The parameters with file contents replaced by a short description."""
        shown = dict(self.values)
        for key, upload in self.files.items():
            shown[key] = f"<file {upload.filename!r}, {len(upload.data)} bytes>"
        return shown


def decode_json_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON-valued fields that arrived as strings."""
    for key in JSON_FIELDS & values.keys():
        raw = values[key]
        if isinstance(raw, str):
            try:
                values[key] = json.loads(raw)
            except ValueError:
                raise bad_request(_JSON_ERRORS.get(key, f"can't parse {key} JSON object")) from None
    return values


async def read_params(request: web.Request) -> Params:
    """All parameters of a request, whatever the content type (query string first, body wins)."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.can_read_body:
        try:
            if request.content_type == "application/json":
                body = await request.text()
                if body.strip():
                    data = json.loads(body)
                    if not isinstance(data, dict):
                        raise bad_request("parameters must be a JSON object")
                    values.update(data)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                for key, value in (await request.post()).items():
                    if isinstance(value, FileField):
                        data_bytes = value.file.read()
                        files[key] = UploadedFile(value.filename, value.content_type, data_bytes)
                    elif isinstance(value, (bytes, bytearray)):
                        values[key] = bytes(value).decode("utf-8", "replace")
                    else:
                        values[key] = value
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        except ValueError:
            raise bad_request("can't parse JSON") from None
    return Params(decode_json_fields(values), files)
