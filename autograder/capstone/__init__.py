"""The capstone's black-box grader: start the learner's RAG API, call it over HTTP, score it.

    from autograder import capstone
    session = capstone.Session.start("capstone_app")   # in the notebook, after the answer cells
    session.check("contract")                          # raises AssertionError listing failures
"""

from .checks import KEYS, MAX_BODY_BYTES, CheckFailed, Result, Session, fuzz_openapi

__all__ = ["KEYS", "MAX_BODY_BYTES", "CheckFailed", "Result", "Session", "fuzz_openapi"]
