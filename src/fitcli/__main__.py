"""`python -m fitcli` runs the same command as `fit`."""

from fitcli._entry import main

main()
