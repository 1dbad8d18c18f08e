"""Forandringsteori: the programme's change theory with the measure under each box."""

from dashboard.shell import open_page
from dashboard.views.change_theory import change_theory_page

change_theory_page(open_page("forandringsteori"))
