"""Data formats beyond fitcli's own CSV and JSON: Excel, peers' templates, mappings."""
