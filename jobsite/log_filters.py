"""Logging filters, named in settings.LOGGING."""

import logging


class ClientMistake(logging.Filter):
    """Lowers a record to WARNING and leaves out its traceback. Django logs a request with a
    Host header outside ALLOWED_HOSTS at ERROR with a traceback, though it is the client's
    mistake (or a scanner's probe), answered 400: ERROR is kept for what the site got wrong,
    and the traceback would only show Django's host check."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
