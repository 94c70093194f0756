"""HTTP API and command line of diplograph."""
