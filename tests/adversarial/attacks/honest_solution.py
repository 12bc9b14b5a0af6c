"""Control: the correct answers, untouched. Full marks, no flags."""
EXPECT = {}
