"""Helper code the lessons and exercises share: data generators, the course corpus, model loaders.

Lessons teach; this package holds the pieces several of them use, with tests in tests/.
"""
