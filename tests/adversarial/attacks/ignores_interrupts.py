"""A loop that swallows the grader's interrupt: every later cell times out behind it, the run still ends."""
ANSWERS = {"words_impl": '''import time

while True:
    try:
        time.sleep(0.5)
    except KeyboardInterrupt:
        pass
'''}
EXPECT = {"scores": {"words_tests": 0, "total_tests": 0}, "error": "timed out"}
