"""Subcommands of `diarium archive` (see diarium/archive/management/commands/archive.py).
add_parsers(subparsers, command) adds each subcommand with
`set_defaults(handler=fn)`, where fn(command, **options) does the work
through the archive app's services and selectors."""


def add_parsers(subparsers, command) -> None:
    pass
