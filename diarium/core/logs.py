"""Logs: one JSON object per line in production, readable lines in the demo.

DIARIUM_LOG_FORMAT picks the format: "json" (the default of `diarium serve` and
`diarium worker`, set by diarium/cli.py before the settings load) or "console"
(everything else, e.g. `make demo`). Both go through structlog's
ProcessorFormatter, so Django's own loggers (django.request's errors), the
application's stdlib loggers, structlog's loggers and gunicorn's logs
(diarium/core/serving.py) come out the same way. A JSON line carries at least
timestamp (UTC, ISO 8601), level, logger, event and request_id (null outside a
request; diarium/core/requestlog.py binds it for each request).

config/settings.py's LOGGING names the formatter factories below (JSON lines go
to stdout, the service's log stream; readable lines to stderr as before); the
settings stay plain data and structlog is configured in CoreConfig.ready().
"""

from __future__ import annotations

import logging

import structlog

JSON = "json"
CONSOLE = "console"


def _request_id_always(logger, method_name, event_dict):
    event_dict.setdefault("request_id", None)
    return event_dict


def _mask_secret_paths(logger, method_name, event_dict):
    """Django's request logger writes the path of a 4xx/5xx ("Not Found:
    /remissvar/<token>/"): the same masking as the access log."""
    record = event_dict.get("_record")
    request = getattr(record, "request", None) if record is not None else None
    if request is not None and getattr(request, "path", None):
        from .requestlog import loggable_path

        masked = loggable_path(request)
        if masked != request.path:
            event_dict["event"] = str(event_dict.get("event", "")).replace(request.path, masked)
        event_dict.pop("request", None)
    return event_dict


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    ]


def _formatter(renderer, *, always=()) -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            *always,
            _mask_secret_paths,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def json_formatter() -> logging.Formatter:
    """The formatter of DIARIUM_LOG_FORMAT=json (named in LOGGING)."""
    return _formatter(structlog.processors.JSONRenderer(ensure_ascii=False, default=str),
                      always=[_request_id_always])


def console_formatter() -> logging.Formatter:
    """The formatter of DIARIUM_LOG_FORMAT=console (named in LOGGING)."""
    return _formatter(structlog.dev.ConsoleRenderer(colors=False))


def configure_structlog() -> None:
    """structlog's loggers hand their events to the stdlib logging set up by
    LOGGING (the formatter renders them). Idempotent."""
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
