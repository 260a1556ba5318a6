from flask import Flask, jsonify

from .cache import allow_request, cached_product

app = Flask(__name__)


@app.get("/products/<pid>")
def product(pid):
    if not allow_request("127.0.0.1"):
        return jsonify(error="slow down"), 429
    return jsonify(cached_product(pid, lambda p: {"id": p}))
