"""Views whose flows go through `shop.helpers`: found only with the project's summaries."""
import subprocess

from flask import request

from . import helpers
from .helpers import Search, build_query, current_name, current_page, quote, run_sql


def returned_input(cursor):
    cursor.execute("SELECT * FROM users WHERE name = '" + current_name() + "'")  # expect: tainted-sql


def returned_number(cursor):
    cursor.execute(f"SELECT * FROM users LIMIT {current_page()}")  # ok: tainted-sql


def through_builder(cursor):
    cursor.execute(build_query(request.args["name"]))  # expect: tainted-sql


def through_builder_safe(cursor):
    cursor.execute(build_query("guest"))  # ok: tainted-sql


def sink_in_other_module(cursor):
    # The sink is in `helpers.run_sql`: reported at this call, the path goes on in helpers.py.
    run_sql(cursor, "DELETE FROM t WHERE n = '" + request.args["n"] + "'")  # expect: tainted-sql


def module_attribute(cursor):
    cursor.execute(helpers.build_query(helpers.current_name()))  # expect: tainted-sql


def quoted():
    subprocess.run("ls " + quote(request.args["path"]), shell=True)  # ok: tainted-command


def not_quoted():
    subprocess.run("ls " + request.args["path"], shell=True)  # expect: tainted-command


def class_in_other_module(cursor):
    search = Search(request.args["q"])
    search.run(cursor)  # expect: tainted-sql
    search.count(cursor)  # ok: tainted-sql
