#!/usr/bin/env python
"""Django's manage.py; the installed `kinerja` command does the same."""

from kinerja.cli import main

if __name__ == "__main__":
    main()
