"""Logging for every hub process: one format, and personal data kept out.

Library loggers that print request URLs (httpx logs every request line at INFO, query string
included) are raised to WARNING, and a filter masks anything shaped like a resident ID or a
mobile number in whatever reaches a handler, as a second line of defence.
"""

from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_CHATTY = ("httpx", "httpcore", "uvicorn.access")


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _MOBILE.sub(r"\1****\2", _ID_NUMBER.sub(r"\1**********\2", message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
