"""The course machinery: release exercises, check and grade notebooks, verify the course."""

import sys

# jsonschema (under nbformat) imports rfc3987_syntax when it is installed, which compiles a
# grammar for a whole second at import time, only to validate IRI-formatted strings, which
# notebooks never contain. Every grading run pays that import, so skip it in our processes.
sys.modules.setdefault("rfc3987_syntax", None)
