"""The baseline `make bench` divides by: a bare Flask app answering {"ok": true}, served by
gunicorn with the same settings as Tawasi (scripts/bench.py)."""
from flask import Flask, jsonify

app = Flask("bare")


@app.get("/")
def ok():
    return jsonify(ok=True)
