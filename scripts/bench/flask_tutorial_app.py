"""The peer for the demo app's cached-route benchmark: the tutorial's cached hello in Flask + Flask-Caching
(SimpleCache), with the same Cache-Control and Expires headers as the demo's `/`, and an uncached `/static`.
Run: gunicorn -w 2 -b 127.0.0.1:PORT --chdir scripts/bench flask_tutorial_app:app"""
from datetime import datetime, timedelta, timezone

from flask import Flask, make_response
from flask_caching import Cache

app = Flask(__name__)
cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})


@app.route("/")
@cache.cached(timeout=300)
def hello():
    response = make_response("Hello, World!")
    response.cache_control.max_age = 300
    response.cache_control.public = True
    response.expires = datetime.now(timezone.utc) + timedelta(seconds=300)
    return response


@app.route("/static")
def static_hello():
    return "Hello, World!"
