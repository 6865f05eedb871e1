"""The baseline for bench/bench_load.py: the smallest Flask app, served the same way as consult."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
