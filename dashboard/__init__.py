"""The Streamlit app shell and the pieces its pages share."""
