"""An empty Streamlit page: the floor a dashboard view is compared with.

.venv/bin/python -m bench.load_test --app bench/empty_app.py --no-roles --think 0-0
"""

import streamlit as st

st.title("Tom side")
st.write(st.query_params.to_dict())
