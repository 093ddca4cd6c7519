"""The dashboard's pages (listed in ``dashboard.py``) and the helpers they share."""
