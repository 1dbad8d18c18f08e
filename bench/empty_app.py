"""An empty Streamlit page: the floor a dashboard view is compared with.

.venv/bin/python -m bench.load_test --app bench/empty_app.py --no-roles --think 0-0

Its sockets get TCP_NODELAY as the dashboard's do (dashboard/socket_options.py):
without it every view of it waits about 40 ms for a delayed acknowledgement,
and a comparison would measure that stall, not the script.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard.socket_options import disable_nagle_once

disable_nagle_once()
st.title("Tom side")
st.write(st.query_params.to_dict())
