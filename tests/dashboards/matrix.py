"""The dashboards rows of the permission matrix (tests/permission_matrix.py).

The home page is every logged-in user's landing page; what it shows depends on the role.
"""

from tests.permission_matrix import for_roles

ROWS = [
    *for_roles("dashboards:home", anonymous=302, others=200),
]
