"""Returns an object whose __eq__ is always True, so `result == expected` passes for any expected.

Python cannot stop this at run time; the grader flags it for the instructor."""
ANSWERS = {"words_impl": "class Anything:\n    def __eq__(self, other):\n        return True\n\n\n"
                         "def unique_words(text):\n    return Anything()\n"}
EXPECT = {"flags": ["__eq__ that always returns True"]}
