# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% config_impl  (a frozen dataclass refuses `self.stop = tuple(...)`, so the list is stored as given: unhashable)
@dataclass(frozen=True)
class GenerationConfig:
    model: str
    temperature: float = 0.7
    max_tokens: int = 256
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(f"model must be a non-empty string, got {self.model!r}")
        if not isinstance(self.temperature, (int, float)) or not 0.0 <= self.temperature <= 2.0:
            raise ValueError(f"temperature must be a number from 0.0 to 2.0, got {self.temperature!r}")
        if not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            raise ValueError(f"max_tokens must be an int of at least 1, got {self.max_tokens!r}")
        if isinstance(self.stop, str) or len(self.stop) > 4 or not all(isinstance(s, str) and s for s in self.stop):
            raise ValueError(f"stop must hold at most 4 non-empty strings, got {self.stop!r}")

# %% settings_impl  (bool("false") is True: every non-empty string is truthy, so ENABLE_CACHE can never be turned off)
def load_settings(env: Mapping[str, str]) -> Settings:
    def get(name):
        value = env.get(name, "").strip()
        return value or None

    model_name = get("MODEL_NAME")
    if model_name is None:
        raise ConfigError("MODEL_NAME is required but not set")
    settings = {"model_name": model_name}
    for name, field_name, parse in [("MAX_BATCH_SIZE", "max_batch_size", int),
                                    ("REQUEST_TIMEOUT_S", "request_timeout_s", float)]:
        raw = get(name)
        if raw is not None:
            try:
                value = parse(raw)
            except ValueError as exc:
                raise ConfigError(f"{name} is malformed, got {raw!r}") from exc
            if value <= 0:
                raise ConfigError(f"{name} must be positive, got {raw!r}")
            settings[field_name] = value
    if get("ENABLE_CACHE") is not None:
        settings["enable_cache"] = bool(get("ENABLE_CACHE"))
    raw = get("LOG_LEVEL")
    if raw is not None:
        if raw.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
        settings["log_level"] = raw.upper()
    return Settings(**settings)

# %% formatter_impl  (builds the JSON by pasting strings: a quote or newline in the message breaks the line)
class JsonFormatter(logging.Formatter):
    def __init__(self, extra_fields: Iterable[str] = ("request_id", "latency_ms")):
        super().__init__()
        self.extra_fields = tuple(extra_fields)

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds")
        parts = [f'"time": "{time}"', f'"level": "{record.levelname}"', f'"logger": "{record.name}"',
                 f'"message": "{record.getMessage()}"']
        for name in self.extra_fields:
            if hasattr(record, name):
                parts.append(f'"{name}": {json.dumps(getattr(record, name))}')
        if record.exc_info:
            parts.append(f'"error": "{self.formatException(record.exc_info)}"')
        return "{" + ", ".join(parts) + "}"

# %% batch_impl  (catches Exception "to be safe": a dead model or a bug becomes a quiet None per item)
def score_batch(texts, score_one):
    scores, errors = [], {}
    for index, text in enumerate(texts):
        try:
            scores.append(score_one(text))
        except Exception as exc:
            scores.append(None)
            errors[index] = str(exc)
    return scores, errors

# %% tests_impl  (tests the happy path and accepts ANY exception for bad input, so an AssertionError passes; never tries two '+' signs)
def test_strips_surrounding_whitespace():
    assert normalize_email("  ann@x.io\n") == "ann@x.io"


def test_lowercases():
    assert normalize_email("Ann@X.IO") == "ann@x.io"


def test_drops_tag():
    assert normalize_email("ann+news@x.io") == "ann@x.io"


@pytest.mark.parametrize("raw", ["ann.x.io", "a@b@x.io", "+news@x.io", "ann@"])
def test_rejects_invalid_addresses(raw):
    with pytest.raises(Exception):
        normalize_email(raw)

# %% settings_impl  (strips spaces only, .strip(" "): a value read from a file keeps its newline, so "8\n" still parses but "off\n" and "warning\t" are refused)
def load_settings(env: Mapping[str, str]) -> Settings:
    def get(name: str) -> str | None:
        value = env.get(name, "").strip(" ")
        return value or None

    model_name = get("MODEL_NAME")
    if model_name is None:
        raise ConfigError("MODEL_NAME is required but not set")
    settings = {"model_name": model_name}

    raw = get("MAX_BATCH_SIZE")
    if raw is not None:
        try:
            settings["max_batch_size"] = int(raw)
        except ValueError as exc:
            raise ConfigError(f"MAX_BATCH_SIZE must be an integer >= 1, got {raw!r}") from exc
        if settings["max_batch_size"] < 1:
            raise ConfigError(f"MAX_BATCH_SIZE must be an integer >= 1, got {raw!r}")

    raw = get("REQUEST_TIMEOUT_S")
    if raw is not None:
        try:
            settings["request_timeout_s"] = float(raw)
        except ValueError as exc:
            raise ConfigError(f"REQUEST_TIMEOUT_S must be a number > 0, got {raw!r}") from exc
        if not settings["request_timeout_s"] > 0:
            raise ConfigError(f"REQUEST_TIMEOUT_S must be a number > 0, got {raw!r}")

    raw = get("ENABLE_CACHE")
    if raw is not None:
        flags = {"true": True, "1": True, "yes": True, "on": True,
                 "false": False, "0": False, "no": False, "off": False}
        if raw.lower() not in flags:
            raise ConfigError(f"ENABLE_CACHE must be true/false, 1/0, yes/no or on/off, got {raw!r}")
        settings["enable_cache"] = flags[raw.lower()]

    raw = get("LOG_LEVEL")
    if raw is not None:
        if raw.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
        settings["log_level"] = raw.upper()

    return Settings(**settings)
    ### END SOLUTION
