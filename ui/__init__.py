"""The Streamlit interface: `pages/` holds the page scripts (listed in ``dashboard.py``), `common`
and `sidebar` what they share. Pages call `core` and draw: no SQL, no regular expressions.

Not named ``pages/``: Streamlit 1.67 still treats a ``pages/`` folder next to the entrypoint as a
legacy multipage app until ``st.navigation`` has run once in the process, and could then run a
page file on its own (without the sidebar). ``ui/pages/`` is not next to ``dashboard.py``.

May import: `core` (any package); `core` never imports this.
"""
