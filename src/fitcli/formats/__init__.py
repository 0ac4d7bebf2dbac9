"""Data formats: fitcli's CSV, JSON Lines and backup, Excel, peers' templates, column
mappings (fitcli.tabular still reads the first three), and the document shapes every output
prints (shapes.py)."""
