"""`python -m fitcli` runs the same command as `fit`."""

from fitcli.cli import main

main()
