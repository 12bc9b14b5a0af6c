# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% windows_impl  (steps through every start position, like range(0, len(text), step) for characters: the last window repeats a tail)
def word_windows(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    if size < 1 or overlap < 0 or overlap >= size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = [match.span() for match in re.finditer(r"\S+", text)]
    windows = []
    for first in range(0, len(words), size - overlap):
        last = min(first + size, len(words)) - 1
        windows.append((words[first][0], words[last][1]))
    return windows

# %% recursive_impl  (splits recursively but never merges the pieces back: correct offsets, far too many tiny chunks)
SEPARATORS = ("\n\n", "\n", ". ", " ")


def recursive_spans(text: str, max_chars: int, separators=SEPARATORS) -> list[tuple[int, int]]:
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")

    def pieces(start, end, seps):
        if end - start <= max_chars:
            return [(start, end)]
        for i, sep in enumerate(seps):
            if sep in text[start:end]:
                found, cut = [], start
                while (at := text.find(sep, cut, end)) != -1:
                    found.extend(pieces(cut, at + len(sep), seps[i + 1:]))
                    cut = at + len(sep)
                if cut < end:
                    found.extend(pieces(cut, end, seps[i + 1:]))
                return found
        return [(s, min(s + max_chars, end)) for s in range(start, end, max_chars)]

    return pieces(0, len(text), tuple(separators)) if text else []

# %% markdown_impl  (finds headings with one multiline regex over the whole text: '# comments' in code blocks become headings)
def markdown_chunks(doc_id: str, text: str) -> list[dict]:
    sections = [(0, [])]
    open_headings = []
    for match in re.finditer(r"^(#{1,6}) (.*)$", text, re.M):
        level = len(match.group(1))
        open_headings = [(lvl, title) for lvl, title in open_headings if lvl < level]
        open_headings.append((level, match.group(2).strip()))
        sections.append((match.start(), [title for _, title in open_headings]))
    chunks = []
    for i, (start, path) in enumerate(sections):
        end = sections[i + 1][0] if i + 1 < len(sections) else len(text)
        body = text[start:end].partition("\n")[2] if path else text[start:end]
        if body.strip():
            chunks.append({"doc_id": doc_id, "heading_path": path, "start": start, "end": end,
                           "text": text[start:end]})
    return chunks

# %% tokens_impl  (counts with tokenizer.tokenize(), which leaves out [CLS] and [SEP]: off by two at the limit)
def token_count(text: str, tokenizer) -> int:
    return len(tokenizer.tokenize(text))


def unseen_text(text: str, tokenizer, limit: int = 256) -> str:
    if token_count(text, tokenizer) <= limit:
        return ""
    spans = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    return text[spans[limit - 1][1]:]

# %% recursive_impl  (splits a piece unless it is strictly shorter than max_chars: an exact fit is cut and its halves merge with the wrong neighbours)
SEPARATORS = ("\n\n", "\n", ". ", " ")


def recursive_spans(text: str, max_chars: int, separators=SEPARATORS) -> list[tuple[int, int]]:
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if not text:
        return []

    def pieces(start, end, seps):
        if end - start < max_chars:
            return [(start, end)]
        for i, sep in enumerate(seps):
            if sep not in text[start:end]:
                continue
            found, cut = [], start
            while (at := text.find(sep, cut, end)) != -1:
                found.extend(pieces(cut, at + len(sep), seps[i + 1:]))
                cut = at + len(sep)
            if cut < end:
                found.extend(pieces(cut, end, seps[i + 1:]))
            return found
        return [(s, min(s + max_chars, end)) for s in range(start, end, max_chars)]

    chunks = []
    for start, end in pieces(0, len(text), tuple(separators)):
        if chunks and end - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks
