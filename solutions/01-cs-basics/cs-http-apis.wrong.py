# Plausible wrong answers, one per answer cell. `course verify` proves each one loses points.

# %% retry_impl  (the naive retry loop: every 5xx and 429 is retried whatever the method, so a POST that timed out is sent twice)
IDEMPOTENT_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}


def should_retry(status: int, method: str) -> bool:
    return status == 429 or 500 <= status < 600

# %% retry_after_impl  (parses both forms but forgets the cap and the clamp: a past date gives a negative delay, "86400" waits a day)
def parse_retry_after(value: str | None, now: datetime, default: float = 1.0, cap: float = 60.0) -> float:
    if value is None:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return (when - now).total_seconds()

# %% search_model_impl  (min_length runs before the validator strips, so "   " passes as an empty query)
class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500)
    k: int = Field(default=5, ge=1, le=50)
    filters: dict[str, str] = {}

    @field_validator("query")
    @classmethod
    def strip_query(cls, value: str) -> str:
        return value.strip()

# %% documents_impl  (the store is a module-level dict, as in many tutorials: every app shares it, so tests leak into each other)
class Document(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    text: str = Field(min_length=1)
    metadata: dict[str, str] = {}


store: dict[str, Document] = {}


def create_app() -> FastAPI:
    app = FastAPI(title="documents")

    @app.post("/documents", status_code=201, response_model=Document)
    def create_document(doc: Document, response: Response) -> Document:
        if doc.id in store:
            raise HTTPException(status_code=409, detail=f"document {doc.id!r} already exists")
        store[doc.id] = doc
        response.headers["Location"] = f"/documents/{doc.id}"
        return doc

    @app.get("/documents/{doc_id}", response_model=Document)
    def get_document(doc_id: str) -> Document:
        if doc_id not in store:
            raise HTTPException(status_code=404, detail=f"document {doc_id!r} not found")
        return store[doc_id]

    @app.delete("/documents/{doc_id}", status_code=204)
    def delete_document(doc_id: str) -> Response:
        if store.pop(doc_id, None) is None:
            raise HTTPException(status_code=404, detail=f"document {doc_id!r} not found")
        return Response(status_code=204)

    return app

# %% errors_impl  (registers the handler for fastapi.HTTPException, the class everyone imports; the router's own 404/405 are Starlette's HTTPException and slip through in the old format)
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    async def on_http_error(request, exc: HTTPException) -> JSONResponse:
        body = {"error": {"code": ERROR_CODES.get(exc.status_code, "http_error"), "message": str(exc.detail)}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    async def on_validation_error(request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(part) for part in err["loc"]) for err in exc.errors()]
        body = {"error": {"code": "validation_error", "message": "invalid request", "fields": fields}}
        return JSONResponse(body, status_code=422)

    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
