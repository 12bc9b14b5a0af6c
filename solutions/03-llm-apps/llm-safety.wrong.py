# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% wrap_impl  (deletes the closing tag instead of escaping: the nested "</untr</untrusted>usted>" reassembles it)
def wrap_untrusted(text: str, source: str) -> str:
    body = text.replace("</untrusted>", "")
    return f'<untrusted source="{source}">\n{body}\n</untrusted>'

# %% detect_impl  (matches the raw text with re.IGNORECASE: extra spaces, zero-width and fullwidth characters slip through)
def normalize(text: str) -> str:
    return text.lower().strip()


def injection_score(text: str) -> float:
    total = sum(weight for pattern, weight in INJECTION_PATTERNS.items() if re.search(pattern, text, re.IGNORECASE))
    return float(round(min(total, 1.0), 2))


def looks_like_injection(text: str, threshold: float = INJECTION_THRESHOLD) -> bool:
    return injection_score(text) >= threshold

# %% redact_impl  (the usual snippets from the internet: \S+@\S+ for emails, \d{6}-\d{7} without digit boundaries, hyphenated phones only)
def redact(text: str) -> str:
    text = re.sub(r"sk-[A-Za-z0-9_-]{20,}|AKIA[A-Z0-9]{16}", "[API_KEY]", text)
    text = re.sub(r"\S+@\S+\.\S+", "[EMAIL]", text)
    text = re.sub(r"\d{6}-\d{7}", "[RRN]", text)
    text = re.sub(r"01\d-\d{3,4}-\d{4}", "[PHONE]", text)
    return text

# %% authorize_impl  (prefix checks: SQL "starts with SELECT", path "starts with the root", and confirm checked before the rules)
def authorize_tool_call(call: dict, policy: ToolPolicy) -> str:
    name = call.get("name")
    args = call.get("args") or {}
    if name not in policy.allowed:
        return "deny"
    if name in policy.confirm:
        return "confirm"
    if name in policy.sql_tools:
        sql = args.get("sql")
        if not isinstance(sql, str) or not sql.strip().upper().startswith("SELECT"):
            return "deny"
    if name in policy.file_tools:
        path = args.get("path")
        if not isinstance(path, str) or not path:
            return "deny"
        if not posixpath.normpath(posixpath.join(policy.root, path)).startswith(policy.root):
            return "deny"
    return "allow"

# %% markdown_impl  (looks for the allowed host as a substring of the URL, and treats anything without "://" as relative)
def is_allowed_url(url: str, allowed_hosts) -> bool:
    if "://" not in url:
        return True
    return any(host.lower() in url.lower() for host in allowed_hosts)


def safe_markdown(text: str, allowed_hosts) -> str:
    text = HTML_IMG.sub("(image removed)", text)
    text = MD_IMAGE.sub(lambda m: m[0] if is_allowed_url(m["url"], allowed_hosts) else "(image removed)", text)
    return MD_LINK.sub(lambda m: m[0] if is_allowed_url(m["url"], allowed_hosts) else m["label"], text)
