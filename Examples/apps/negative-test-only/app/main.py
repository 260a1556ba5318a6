from fastapi import FastAPI

app = FastAPI()
_cache = {}


@app.get("/invoices/{iid}")
def invoice(iid: str):
    # A dict, not Redis: this service keeps no shared state.
    return _cache.get(iid, {"id": iid})
