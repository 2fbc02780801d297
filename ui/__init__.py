"""Streamlit glue shared by the pages: language, store, login, live updates, styling.

The only package besides pages/ that imports streamlit; it holds no domain logic. The modules
here are views and their helpers; ui/server/ holds the HTTP routes and process plumbing.
"""
