"""A real list whose items equal anything: list == list compares the items."""
ANSWERS = {"words_impl": '''class Item(str):
    def __eq__(self, other):
        return not False

    __hash__ = str.__hash__


def unique_words(text):
    return [Item("?"), Item("?")] if text else []
'''}
EXPECT = {"scores": {"words_tests": 0}, "flags": ["equals anything"]}
