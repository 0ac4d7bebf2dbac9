"""Data formats: fitcli's CSV, JSON Lines and backup, Excel, peers' templates, column
mappings, the reading every reader shares (reading.py), and the document shapes every output
prints (shapes.py)."""
