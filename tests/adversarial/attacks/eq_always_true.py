"""Returns an object whose __eq__ is always True, so `result == expected` would pass for any expected.

Test cells compare through the guard, which asks the value whether it equals a fresh object it has
never seen: a real value says no, this one says yes, and the test fails."""
ANSWERS = {"words_impl": "class Anything:\n    def __eq__(self, other):\n        return True\n\n\n"
                         "def unique_words(text):\n    return Anything()\n"}
EXPECT = {"scores": {"words_tests": 0}, "flags": ["__eq__ that always returns True", "equals anything"]}
