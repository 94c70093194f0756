"""The ``diplograph`` command line: one module per group of subcommands."""
