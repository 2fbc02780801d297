"""The server's plumbing, not views: the app's entry (entry.py), its HTTP routes (live and room
polls, answers, phone state), how script runs and database calls are threaded, process tuning
(allocator, TCP_NODELAY), the stop signal, the retention job and the soak bench's memory trace.

Its modules draw nothing; the Streamlit views (pages' building blocks) live one folder up in ui/.
"""
