"""The domain of the Arbejdsmiljøpakken workshop app: pure Python, never Streamlit."""
