"""Helpers the views import: input, builders, sanitisers and sinks in another module."""
import shlex

from flask import request


def current_name():
    return request.args.get("name", "")


def current_page():
    return int(request.args.get("page", "1"))


def build_query(name):
    return "SELECT * FROM users WHERE name = '" + name + "'"


def quote(value):
    return shlex.quote(value)


def run_sql(cursor, sql):
    cursor.execute(sql)


class Search:
    def __init__(self, term):
        self.term = term
        self.table = "items"

    def run(self, cursor):
        cursor.execute("SELECT * FROM " + self.table + " WHERE name = '" + self.term + "'")

    def count(self, cursor):
        cursor.execute("SELECT count(*) FROM " + self.table)
