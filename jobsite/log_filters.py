"""Logging filters, named in settings.LOGGING."""

import logging


class AsWarning(logging.Filter):
    """Lowers a record to WARNING. Django logs a request with a Host header outside
    ALLOWED_HOSTS at ERROR, though it is the client's mistake (or a scanner's probe) and
    answered with a 400: ERROR is kept for what the site itself got wrong."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True
